// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Access.Iam;

/// <summary>
/// IAM's and STS's errors with AWS's codes, statuses and texts (as IAM answers them; the botocore model gives the codes
/// and statuses). Where AWS's exact wording is not known, the comment says so.
/// </summary>
public static class IamErrors
{
    public const string NoSuchEntityCode = "NoSuchEntity";
    public const string EntityAlreadyExistsCode = "EntityAlreadyExists";
    public const string DeleteConflictCode = "DeleteConflict";
    public const string LimitExceededCode = "LimitExceeded";
    public const string ValidationErrorCode = "ValidationError";
    public const string InvalidInputCode = "InvalidInput";

    public static string Noun(IamEntityKind kind) => kind switch
    {
        IamEntityKind.User => "user",
        IamEntityKind.Role => "role",
        _ => "group",
    };

    /// <summary>IAM's: "The user with name bob cannot be found." (role, group alike).</summary>
    public static IamException NoSuchEntity(IamEntityKind kind, string name) =>
        new(NoSuchEntityCode, 404, $"The {Noun(kind)} with name {name} cannot be found.");

    /// <summary>IAM's: "User with name bob already exists." (Role, Group alike).</summary>
    public static IamException AlreadyExists(IamEntityKind kind, string name)
    {
        var noun = Noun(kind);
        return new(EntityAlreadyExistsCode, 409, $"{char.ToUpperInvariant(noun[0])}{noun[1..]} with name {name} already exists.");
    }

    /// <summary>IAM's: "The user policy with name p cannot be found." (role policy, group policy alike).</summary>
    public static IamException NoSuchInlinePolicy(IamEntityKind kind, string policyName) =>
        new(NoSuchEntityCode, 404, $"The {Noun(kind)} policy with name {policyName} cannot be found.");

    /// <summary>IAM's: "The Access Key with id AKIA… cannot be found."</summary>
    public static IamException NoSuchAccessKey(string accessKeyId) =>
        new(NoSuchEntityCode, 404, $"The Access Key with id {accessKeyId} cannot be found.");

    /// <summary>IAM's for GetPolicy, DeletePolicy, versions: "Policy arn:… was not found."</summary>
    public static IamException NoSuchPolicy(string policyArn) => new(NoSuchEntityCode, 404, $"Policy {policyArn} was not found.");

    /// <summary>IAM's for AttachUserPolicy (and role, group) of a policy it does not have.</summary>
    public static IamException NotAttachable(string policyArn) =>
        new(NoSuchEntityCode, 404, $"Policy {policyArn} does not exist or is not attachable.");

    /// <summary>IAM's wording for a missing version is not known; this follows its "Policy … was not found." form.</summary>
    public static IamException NoSuchPolicyVersion(string policyArn, string versionId) =>
        new(NoSuchEntityCode, 404, $"Policy {policyArn} version {versionId} does not exist.");

    /// <summary>IAM's: "A policy called p already exists. Duplicate names are not allowed."</summary>
    public static IamException PolicyAlreadyExists(string name) =>
        new(EntityAlreadyExistsCode, 409, $"A policy called {name} already exists. Duplicate names are not allowed.");

    /// <summary>IAM's DeleteConflict texts: "Cannot delete entity, must delete access keys first." and alike.</summary>
    public static IamException DeleteConflict(string what) => new(DeleteConflictCode, 409, $"Cannot delete entity, must {what} first.");

    /// <summary>IAM's: "Cannot delete a policy attached to entities."</summary>
    public static IamException PolicyAttached() => new(DeleteConflictCode, 409, "Cannot delete a policy attached to entities.");

    /// <summary>IAM's, for DeletePolicy of a policy with versions besides the default.</summary>
    public static IamException PolicyHasVersions() => new(
        DeleteConflictCode,
        409,
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");

    /// <summary>IAM's: "Cannot delete the default version of a policy."</summary>
    public static IamException DefaultVersion() => new(DeleteConflictCode, 409, "Cannot delete the default version of a policy.");

    /// <summary>IAM's LimitExceeded form: "Cannot exceed quota for AccessKeysPerUser: 2".</summary>
    public static IamException Quota(string quota, int limit) => new(LimitExceededCode, 409, $"Cannot exceed quota for {quota}: {limit}");

    /// <summary>IAM's: a sixth version of a managed policy.</summary>
    public static IamException TooManyVersions() => new(
        LimitExceededCode,
        409,
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.");

    /// <summary>A refused policy document: MalformedPolicyDocument (400) or LimitExceeded (409) with the parser's text.</summary>
    public static IamException Policy(PolicyError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(error.Code, error.Code == PolicyErrors.LimitExceeded ? 409 : 400, error.Message);
    }

    /// <summary>AWS's validation text: "1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint: …".</summary>
    public static IamException Validation(string? value, string member, string constraint) =>
        new(ValidationErrorCode, 400, $"1 validation error detected: Value {(value is null ? "null" : $"'{value}'")} at '{member}' failed to satisfy constraint: {constraint}");

    public static IamException InvalidInput(string message) => new(InvalidInputCode, 400, message);
}
