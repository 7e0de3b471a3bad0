// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>
/// An Amazon ECR API error: answered in the JSON 1.1 protocol as <c>{"__type": ErrorType, "message": ...}</c>, HTTP 400
/// for the client errors (every ECR error but ServerException).
/// </summary>
public sealed class EcrException(string errorType, string message, int statusCode = 400) : Exception(message)
{
    public string ErrorType { get; } = errorType;

    public int StatusCode { get; } = statusCode;
}
