// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using Nimbus.Core.Access.Iam;

namespace Nimbus.Api.Iam;

/// <summary>
/// IAM's operations (Version 2010-05-08), each authorized with IAM's action name on the resource ARN IAM's service
/// authorization reference names (the user, role, group or policy; for the List* operations without a resource, the
/// path the list covers, e.g. <c>arn:aws:iam::ACCOUNT:user/</c>, as IAM's AccessDenied texts show), after the
/// parameters are validated and before anything is read or changed.
/// </summary>
internal static partial class IamOperations
{
    private static readonly FrozenDictionary<string, Func<IamCall, Task>> s_operations = new Dictionary<string, Func<IamCall, Task>>(StringComparer.Ordinal)
    {
        ["CreateUser"] = CreateUserAsync,
        ["GetUser"] = GetUserAsync,
        ["ListUsers"] = call => ListEntitiesAsync(call, IamEntityKind.User),
        ["DeleteUser"] = call => DeleteEntityAsync(call, IamEntityKind.User),
        ["TagUser"] = call => TagAsync(call, IamEntityKind.User),
        ["UntagUser"] = call => UntagAsync(call, IamEntityKind.User),
        ["ListUserTags"] = call => ListTagsAsync(call, IamEntityKind.User),
        ["CreateAccessKey"] = CreateAccessKeyAsync,
        ["ListAccessKeys"] = ListAccessKeysAsync,
        ["UpdateAccessKey"] = UpdateAccessKeyAsync,
        ["DeleteAccessKey"] = DeleteAccessKeyAsync,
        ["PutUserPolicy"] = call => PutInlineAsync(call, IamEntityKind.User),
        ["GetUserPolicy"] = call => GetInlineAsync(call, IamEntityKind.User),
        ["DeleteUserPolicy"] = call => DeleteInlineAsync(call, IamEntityKind.User),
        ["ListUserPolicies"] = call => ListInlineAsync(call, IamEntityKind.User),
        ["AttachUserPolicy"] = call => AttachAsync(call, IamEntityKind.User),
        ["DetachUserPolicy"] = call => DetachAsync(call, IamEntityKind.User),
        ["ListAttachedUserPolicies"] = call => ListAttachedAsync(call, IamEntityKind.User),
        ["CreateRole"] = CreateRoleAsync,
        ["GetRole"] = call => GetEntityAsync(call, IamEntityKind.Role),
        ["ListRoles"] = call => ListEntitiesAsync(call, IamEntityKind.Role),
        ["DeleteRole"] = call => DeleteEntityAsync(call, IamEntityKind.Role),
        ["UpdateRole"] = UpdateRoleAsync,
        ["UpdateAssumeRolePolicy"] = UpdateAssumeRolePolicyAsync,
        ["TagRole"] = call => TagAsync(call, IamEntityKind.Role),
        ["UntagRole"] = call => UntagAsync(call, IamEntityKind.Role),
        ["ListRoleTags"] = call => ListTagsAsync(call, IamEntityKind.Role),
        ["PutRolePolicy"] = call => PutInlineAsync(call, IamEntityKind.Role),
        ["GetRolePolicy"] = call => GetInlineAsync(call, IamEntityKind.Role),
        ["DeleteRolePolicy"] = call => DeleteInlineAsync(call, IamEntityKind.Role),
        ["ListRolePolicies"] = call => ListInlineAsync(call, IamEntityKind.Role),
        ["AttachRolePolicy"] = call => AttachAsync(call, IamEntityKind.Role),
        ["DetachRolePolicy"] = call => DetachAsync(call, IamEntityKind.Role),
        ["ListAttachedRolePolicies"] = call => ListAttachedAsync(call, IamEntityKind.Role),
        ["ListInstanceProfilesForRole"] = ListInstanceProfilesForRoleAsync,
        ["CreateGroup"] = CreateGroupAsync,
        ["GetGroup"] = GetGroupAsync,
        ["ListGroups"] = call => ListEntitiesAsync(call, IamEntityKind.Group),
        ["DeleteGroup"] = call => DeleteEntityAsync(call, IamEntityKind.Group),
        ["AddUserToGroup"] = AddUserToGroupAsync,
        ["RemoveUserFromGroup"] = RemoveUserFromGroupAsync,
        ["ListGroupsForUser"] = ListGroupsForUserAsync,
        ["PutGroupPolicy"] = call => PutInlineAsync(call, IamEntityKind.Group),
        ["GetGroupPolicy"] = call => GetInlineAsync(call, IamEntityKind.Group),
        ["DeleteGroupPolicy"] = call => DeleteInlineAsync(call, IamEntityKind.Group),
        ["ListGroupPolicies"] = call => ListInlineAsync(call, IamEntityKind.Group),
        ["AttachGroupPolicy"] = call => AttachAsync(call, IamEntityKind.Group),
        ["DetachGroupPolicy"] = call => DetachAsync(call, IamEntityKind.Group),
        ["ListAttachedGroupPolicies"] = call => ListAttachedAsync(call, IamEntityKind.Group),
        ["CreatePolicy"] = CreatePolicyAsync,
        ["GetPolicy"] = GetPolicyAsync,
        ["DeletePolicy"] = DeletePolicyAsync,
        ["ListPolicies"] = ListPoliciesAsync,
        ["CreatePolicyVersion"] = CreatePolicyVersionAsync,
        ["GetPolicyVersion"] = GetPolicyVersionAsync,
        ["ListPolicyVersions"] = ListPolicyVersionsAsync,
        ["DeletePolicyVersion"] = DeletePolicyVersionAsync,
        ["SetDefaultPolicyVersion"] = SetDefaultPolicyVersionAsync,
        ["ListEntitiesForPolicy"] = ListEntitiesForPolicyAsync,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static Func<IamCall, Task>? Find(string action) => s_operations.GetValueOrDefault(action);

    private static string ParameterName(IamEntityKind kind) => kind switch
    {
        IamEntityKind.User => "UserName",
        IamEntityKind.Role => "RoleName",
        _ => "GroupName",
    };

    private static string Noun(IamEntityKind kind) => kind switch
    {
        IamEntityKind.User => "User",
        IamEntityKind.Role => "Role",
        _ => "Group",
    };

    /// <summary>Validates the entity's name and authorizes <paramref name="action"/> on its ARN (with its path when it exists).</summary>
    private static async Task<string> AuthorizeEntityAsync(IamCall call, string action, IamEntityKind kind, string? name)
    {
        var valid = IamValidation.EntityName(kind, name);
        var entity = await call.Iam.FindEntityAsync(call.Account, kind, valid, call.Aborted);
        await call.AuthorizeAsync(action, entity?.Arn ?? IamArns.Of(kind, call.Account, "/", valid));
        return valid;
    }

    /// <summary>The ARN the List* operations are authorized on: the kind's path prefix.</summary>
    private static string ListResource(IamCall call, string kind, string? pathPrefix) =>
        $"arn:aws:iam::{call.Account}:{kind}{pathPrefix ?? "/"}";

    private static async Task CreateUserAsync(IamCall call)
    {
        var name = IamValidation.UserName(call["UserName"]);
        var path = IamValidation.Path(call["Path"]);
        await call.AuthorizeAsync("iam:CreateUser", IamArns.Of(IamEntityKind.User, call.Account, path, name));
        var user = await call.Iam.CreateUserAsync(call.Account, name, path, call.Tags(), call.Aborted);
        IamShapes.User(call.Output, user);
    }

    private static async Task GetUserAsync(IamCall call)
    {
        if (call["UserName"] is null && call.Caller.PrincipalType == Core.Access.CallerIdentity.AccountType)
        {
            // The root user asking about itself: IAM answers with the account's root identity.
            call.Output.Start("User").Element("UserId", call.Account).Element("Arn", call.Caller.Arn).End("User");
            return;
        }

        var name = await AuthorizeEntityAsync(call, "iam:GetUser", IamEntityKind.User, call.UserNameOrCaller());
        IamShapes.User(call.Output, await call.Iam.GetEntityAsync(call.Account, IamEntityKind.User, name, call.Aborted));
    }

    private static async Task GetEntityAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Get{Noun(kind)}", kind, call[ParameterName(kind)]);
        IamShapes.Entity(call.Output, await call.Iam.GetEntityAsync(call.Account, kind, name, call.Aborted), Noun(kind), withTags: true);
    }

    private static async Task ListEntitiesAsync(IamCall call, IamEntityKind kind)
    {
        var prefix = IamValidation.PathPrefix(call["PathPrefix"]);
        await call.AuthorizeAsync($"iam:List{Noun(kind)}s", ListResource(call, Noun(kind).ToLowerInvariant(), prefix));
        var page = await call.Iam.ListEntitiesAsync(call.Account, kind, prefix, call["Marker"], call["MaxItems"], call.Aborted);
        IamShapes.Page(call.Output, Noun(kind) + "s", page, (xml, entity) => IamShapes.Entity(xml, entity, "member", withTags: false));
    }

    private static async Task DeleteEntityAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Delete{Noun(kind)}", kind, call[ParameterName(kind)]);
        await call.Iam.DeleteEntityAsync(call.Account, kind, name, call.Aborted);
    }

    private static async Task TagAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Tag{Noun(kind)}", kind, call[ParameterName(kind)]);
        await call.Iam.TagEntityAsync(call.Account, kind, name, call.Tags(), call.Aborted);
    }

    private static async Task UntagAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:Untag{Noun(kind)}", kind, call[ParameterName(kind)]);
        await call.Iam.UntagEntityAsync(call.Account, kind, name, call.Strings("TagKeys"), call.Aborted);
    }

    private static async Task ListTagsAsync(IamCall call, IamEntityKind kind)
    {
        var name = await AuthorizeEntityAsync(call, $"iam:List{Noun(kind)}Tags", kind, call[ParameterName(kind)]);
        var entity = await call.Iam.GetEntityAsync(call.Account, kind, name, call.Aborted);
        IamShapes.Tags(call.Output, entity.Tags, always: true);
        call.Output.Element("IsTruncated", false);
    }

    private static async Task CreateAccessKeyAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:CreateAccessKey", IamEntityKind.User, call.UserNameOrCaller());
        IamShapes.AccessKey(call.Output, await call.Iam.CreateAccessKeyAsync(call.Account, name, call.Aborted), withSecret: true, "AccessKey");
    }

    private static async Task ListAccessKeysAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:ListAccessKeys", IamEntityKind.User, call.UserNameOrCaller());
        var keys = await call.Iam.ListAccessKeysAsync(call.Account, name, call.Aborted);
        call.Output.Start("AccessKeyMetadata");
        foreach (var key in keys)
        {
            IamShapes.AccessKey(call.Output, key, withSecret: false, "member");
        }

        call.Output.End("AccessKeyMetadata").Element("IsTruncated", false);
    }

    private static async Task UpdateAccessKeyAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:UpdateAccessKey", IamEntityKind.User, call.UserNameOrCaller());
        await call.Iam.UpdateAccessKeyAsync(call.Account, name, call["AccessKeyId"], call["Status"], call.Aborted);
    }

    private static async Task DeleteAccessKeyAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:DeleteAccessKey", IamEntityKind.User, call.UserNameOrCaller());
        await call.Iam.DeleteAccessKeyAsync(call.Account, name, call["AccessKeyId"], call.Aborted);
    }
}
