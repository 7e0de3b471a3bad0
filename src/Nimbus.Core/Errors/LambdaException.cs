// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Errors;

/// <summary>
/// The one exception type for service errors: an AWS error type, the HTTP status AWS answers with,
/// and AWS's message. The API maps it to <c>x-amzn-ErrorType</c> and a JSON body in one place.
/// </summary>
public sealed class LambdaException : Exception
{
    public LambdaException(string errorType, int statusCode, string message)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    /// <summary>The AWS error type, e.g. <c>ResourceNotFoundException</c>.</summary>
    public string ErrorType { get; }

    /// <summary>The HTTP status AWS answers this error with.</summary>
    public int StatusCode { get; }

    /// <summary>Extra top-level fields of the error body (e.g. <c>Reason</c> of a throttle).</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }

    /// <summary>Extra response headers the error's shape models (e.g. <c>Retry-After</c> of a throttle).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
