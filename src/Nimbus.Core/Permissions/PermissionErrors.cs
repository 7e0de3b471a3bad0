// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Permissions;

/// <summary>
/// The errors of AddPermission, RemovePermission and GetPolicy, with AWS's texts (as recorded from AWS in LocalStack's
/// validated snapshots, tests/aws/services/lambda_/test_lambda_api.snapshot.json, TestLambdaPermissions).
/// </summary>
public static class PermissionErrors
{
    /// <summary>The 20 KB a function's policy may have (AWS Lambda quotas: "Function resource-based policy: 20 KB").</summary>
    public const int MaxPolicyBytes = 20 * 1024;

    public const string PolicyLengthExceededType = "PolicyLengthExceededException";

    public static LambdaException StatementExists(string statementId) => LambdaErrors.Conflict(
        $"The statement id ({statementId}) provided already exists. Please provide a new statement id, or remove the existing statement.");

    public static LambdaException StatementNotFound(string statementId) =>
        LambdaErrors.NotFound($"Statement {statementId} is not found in resource policy.");

    public static LambdaException NoPolicy() => LambdaErrors.NotFound("No policy is associated with the given resource.");

    /// <summary>GetPolicy of a function, version or alias that does not exist, or has no policy.</summary>
    public static LambdaException ResourceNotFound() => LambdaErrors.NotFound("The resource you requested does not exist.");

    /// <summary>RemovePermission on a function that does not exist.</summary>
    public static LambdaException NoPolicyFound(string functionArn) => LambdaErrors.NotFound($"No policy found for: {functionArn}");

    public static LambdaException AliasNotFound(string aliasArn) => LambdaErrors.NotFound($"Cannot find alias arn: {aliasArn}");

    public static LambdaException LatestNotSupported() => LambdaErrors.InvalidParameter("We currently do not support adding policies for $LATEST.");

    public static LambdaException InvalidPrincipal() =>
        LambdaErrors.InvalidParameter("The provided principal was invalid. Please check the principal and try again.");

    /// <summary>FunctionUrlAuthType with another action. AWS's text as LocalStack's AWS-validated test quotes it.</summary>
    public static LambdaException AuthTypeNeedsUrlAction() =>
        LambdaErrors.InvalidParameter("FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action");

    /// <summary>InvokedViaFunctionUrl with another action than lambda:InvokeFunction. AWS's exact text is not known; this
    /// follows the FunctionUrlAuthType one.</summary>
    public static LambdaException ViaUrlNeedsInvokeAction() =>
        LambdaErrors.InvalidParameter("InvokedViaFunctionUrl is only supported for lambda:InvokeFunction action");

    /// <summary>AddPermission with a RevisionId that is not the qualifier's.</summary>
    public static LambdaException AddRevisionMismatch() => new(
        LambdaErrors.PreconditionFailedType,
        412,
        "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id");

    /// <summary>RemovePermission with a RevisionId that is not the qualifier's: AWS names other APIs here.</summary>
    public static LambdaException RemoveRevisionMismatch() => LambdaErrors.RevisionMismatch();

    /// <summary>A policy past 20 KB. AWS's text as its API answers it, e.g. "The final policy size (20539) is bigger than the limit (20480)."</summary>
    public static LambdaException PolicyTooLarge(int size) => new(
        PolicyLengthExceededType,
        400,
        string.Create(CultureInfo.InvariantCulture, $"The final policy size ({size}) is bigger than the limit ({MaxPolicyBytes})."));
}
