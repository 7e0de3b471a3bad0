// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Layers;

/// <summary>The errors of the layers API and of functions that use layers, with AWS's messages.</summary>
public static class LayerErrors
{
    /// <summary>GetLayerVersion and the policy operations on a version that does not exist (or was deleted).</summary>
    public static LambdaException VersionNotFound() => LambdaErrors.NotFound("The resource you requested does not exist.");

    /// <summary>CreateFunction / UpdateFunctionConfiguration naming a layer version that does not exist: a 400, not a 404.</summary>
    public static LambdaException FunctionLayerMissing(string arn) => LambdaErrors.InvalidParameter($"Layer version {arn} does not exist.");

    public static LambdaException OtherRegion(string region) =>
        LambdaErrors.InvalidParameter($"Layers are not in the same region as the function. Layers are expected to be in region {region}.");

    public static LambdaException AccessDenied(string callerAccount, string resource) => new(
        "AccessDeniedException",
        403,
        $"User: arn:aws:iam::{callerAccount}:root is not authorized to perform: lambda:GetLayerVersion on resource: {resource} because no resource-based policy allows the lambda:GetLayerVersion action");

    public static LambdaException WriteDenied(string callerAccount, string action, string resource) => new(
        "AccessDeniedException",
        403,
        $"User: arn:aws:iam::{callerAccount}:root is not authorized to perform: lambda:{action} on resource: {resource}");

    public static LambdaException CombinedTooLarge(long actual) => LambdaErrors.InvalidParameter(
        $"Function code combined with layers exceeds the maximum allowed size of {LambdaQuotas.MaxUnzippedCode} bytes. The actual size is {actual} bytes.");

    public static LambdaException StatementExists(string statementId) => LambdaErrors.Conflict(
        $"The statement id ({statementId}) provided already exists. Please provide a new statement id, or remove the existing statement.");

    public static LambdaException StatementNotFound(string statementId) =>
        LambdaErrors.NotFound($"Statement {statementId} is not found in resource policy.");

    public static LambdaException NoPolicy() => LambdaErrors.NotFound("No policy is associated with the given resource.");

    public static LambdaException PolicyRevisionMismatch() => new(
        LambdaErrors.PreconditionFailedType,
        412,
        "The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id");
}
