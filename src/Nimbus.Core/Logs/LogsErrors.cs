// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>
/// CloudWatch Logs' error types (botocore's logs model) and the texts AWS answers with. The group and stream texts are
/// AWS's as its clients show them; where AWS's text is not known, the comment says so.
/// </summary>
public static class LogsErrors
{
    public const string InvalidParameterType = "InvalidParameterException";
    public const string ResourceNotFoundType = "ResourceNotFoundException";
    public const string ResourceAlreadyExistsType = "ResourceAlreadyExistsException";
    public const string TooManyTagsType = "TooManyTagsException";
    public const string LimitExceededType = "LimitExceededException";

    public static LogsException GroupNotFound() => new(ResourceNotFoundType, "The specified log group does not exist.");

    public static LogsException StreamNotFound() => new(ResourceNotFoundType, "The specified log stream does not exist.");

    public static LogsException GroupExists() => new(ResourceAlreadyExistsType, "The specified log group already exists");

    public static LogsException StreamExists() => new(ResourceAlreadyExistsType, "The specified log stream already exists");

    public static LogsException InvalidParameter(string message) => new(InvalidParameterType, message);

    /// <summary>A request the model's constraints refuse, in AWS's "N validation errors detected" form.</summary>
    public static LogsException Validation(string message) => new(InvalidParameterType, message);

    /// <summary>
    /// Unknown X-Amz-Target operation. AWS answers UnknownOperationException; its text is not documented, so ours
    /// names the operation.
    /// </summary>
    public static LogsException UnknownOperation(string operation) => new("UnknownOperationException", $"Nimbus does not serve the Logs operation {operation} yet.");
}
