// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>
/// A CloudWatch Logs error: answered in the JSON 1.1 protocol as <c>{"__type": ErrorType, "message": ...}</c> with
/// HTTP 400 (every Logs error is a client error except ServiceUnavailableException).
/// </summary>
public sealed class LogsException(string errorType, string message, int statusCode = 400) : Exception(message)
{
    public string ErrorType { get; } = errorType;

    public int StatusCode { get; } = statusCode;
}
