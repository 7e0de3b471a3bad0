// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.CloudWatch;

/// <summary>A CloudWatch error: its query code (as the query protocol and x-amzn-query-error name it), CBOR type and HTTP status.</summary>
internal sealed class CloudWatchException(string code, string type, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>The error's shape name (CBOR's <c>__type</c>).</summary>
    public string Type { get; } = type;

    public int Status { get; } = status;

    public static CloudWatchException InvalidParameterValue(string message) => new("InvalidParameterValue", "InvalidParameterValueException", message);

    public static CloudWatchException MissingParameter(string parameter) =>
        new("MissingParameter", "MissingRequiredParameterException", $"The parameter {parameter} is required.");

    public static CloudWatchException InvalidParameterCombination(string message) =>
        new("InvalidParameterCombination", "InvalidParameterCombinationException", message);

    /// <summary>A value that is not of its member's type; AWS's text for it is not documented, so ours names the parameter.</summary>
    public static CloudWatchException Malformed(string parameter) => InvalidParameterValue($"The value for parameter {parameter} is not valid for its type.");
}
