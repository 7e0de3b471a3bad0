// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Errors;

/// <summary>Factories for the errors the Lambda API answers with, with AWS's status codes and messages.</summary>
public static class LambdaErrors
{
    public const string ValidationType = "ValidationException";
    public const string InvalidParameterValueType = "InvalidParameterValueException";
    public const string ResourceNotFoundType = "ResourceNotFoundException";
    public const string ResourceConflictType = "ResourceConflictException";
    public const string PreconditionFailedType = "PreconditionFailedException";
    public const string RequestTooLargeType = "RequestTooLargeException";
    public const string RequestEntityTooLargeType = "RequestEntityTooLargeException";
    public const string ServiceType = "ServiceException";
    public const string TooManyRequestsType = "TooManyRequestsException";

    public static LambdaException Validation(string message) => new(ValidationType, 400, message);

    public static LambdaException InvalidParameter(string message) => new(InvalidParameterValueType, 400, message);

    /// <summary>
    /// AWS's answer when Lambda may not pull a function's image: the text is AWS's (re:Post "lambda-ecr-image", and
    /// CloudFormation's reports of it with "Status Code: 403" and "AccessDenied"); the error type AccessDeniedException
    /// is inferred from that status, not seen in a response.
    /// </summary>
    public static LambdaException ImageAccessDenied() =>
        new("AccessDeniedException", 403, "Lambda does not have permission to access the ECR image. Check the ECR permissions.");

    public static LambdaException NotFound(string message) => new(ResourceNotFoundType, 404, message);

    public static LambdaException FunctionNotFound(string functionArn) => NotFound($"Function not found: {functionArn}");

    /// <summary>A qualified name or ARN given to an operation on the function as a whole (its recursion config, its code signing config).</summary>
    public static LambdaException FunctionOnly() => InvalidParameter(
        "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.");

    /// <summary>
    /// A code signing configuration named on a function: Nimbus has none (CreateCodeSigningConfig is not served), so
    /// every one is not found. The type and status are the model's; AWS's wording of the message is not known.
    /// </summary>
    public static LambdaException CodeSigningConfigNotFound(string arn) =>
        new("CodeSigningConfigNotFoundException", 404, $"Code signing configuration not found: {arn}");

    public static LambdaException Conflict(string message) => new(ResourceConflictType, 409, message);

    public static LambdaException FunctionExists(string name) => Conflict($"Function already exist: {name}");

    public static LambdaException UpdateInProgress(string functionArn) =>
        Conflict($"The operation cannot be performed at this time. An update is in progress for resource: {functionArn}");

    public static LambdaException RevisionMismatch() => new(
        PreconditionFailedType,
        412,
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");

    public static LambdaException RequestEntityTooLarge(long limit, string operation) => new(
        RequestEntityTooLargeType,
        413,
        $"Request must be smaller than {limit} bytes for the {operation} operation");

    public static LambdaException ZippedTooLarge(long limit) => new(
        RequestEntityTooLargeType,
        413,
        $"Zipped size must be smaller than {limit} bytes");

    /// <summary>
    /// PutFunctionConcurrency past the account's unreserved minimum. AWS's wording, including its singular
    /// "UnreservedConcurrentExecution" and the minimum in brackets.
    /// </summary>
    public static LambdaException UnreservedBelowMinimum(int minimum) => InvalidParameter(
        $"Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{minimum.ToString(System.Globalization.CultureInfo.InvariantCulture)}].");

    /// <summary>
    /// An invocation throttled (429): AWS's body carries the ThrottleReason beside Type and message; Retry-After
    /// (the model's retryAfterSeconds) only when the wait is known.
    /// </summary>
    public static LambdaException TooManyRequests(string reason, int? retryAfterSeconds) => new(TooManyRequestsType, 429, "Rate Exceeded.")
    {
        Fields = new Dictionary<string, string>(1) { ["Reason"] = reason },
        Headers = retryAfterSeconds is { } seconds
            ? new Dictionary<string, string>(1) { ["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null,
    };
}
