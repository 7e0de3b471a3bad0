// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;

namespace Nimbus.Api.Iam;

/// <summary>Roles and groups.</summary>
internal static partial class IamOperations
{
    private static async Task CreateRoleAsync(IamCall call)
    {
        var name = IamValidation.EntityName(IamEntityKind.Role, call["RoleName"]);
        var path = IamValidation.Path(call["Path"]);
        await call.AuthorizeAsync("iam:CreateRole", IamArns.Of(IamEntityKind.Role, call.Account, path, name));
        var role = await call.Iam.CreateRoleAsync(
            call.Account, name, path, call["AssumeRolePolicyDocument"], call["Description"], call["MaxSessionDuration"], call.Tags(), call.Aborted);
        IamShapes.Role(call.Output, role);
    }

    /// <summary>
    /// ListInstanceProfilesForRole: Nimbus has no instance profiles (EC2's), so an existing role's list is empty and
    /// never truncated (MaxItems and Marker checked as every IAM list checks them); a missing role is NoSuchEntity.
    /// Terraform's aws_iam_role reads it before every delete.
    /// </summary>
    private static async Task ListInstanceProfilesForRoleAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:ListInstanceProfilesForRole", IamEntityKind.Role, call["RoleName"]);
        _ = await call.Iam.GetEntityAsync(call.Account, IamEntityKind.Role, name, call.Aborted);
        var page = IamPaging.Of(Array.Empty<string>(), profile => profile, call["Marker"], call["MaxItems"]);
        IamShapes.Page(call.Output, "InstanceProfiles", page, (xml, profile) => xml.Element("member", profile));
    }

    private static async Task UpdateRoleAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:UpdateRole", IamEntityKind.Role, call["RoleName"]);
        await call.Iam.UpdateRoleAsync(call.Account, name, call["Description"], call["MaxSessionDuration"], call.Aborted);
    }

    private static async Task UpdateAssumeRolePolicyAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:UpdateAssumeRolePolicy", IamEntityKind.Role, call["RoleName"]);
        await call.Iam.UpdateAssumeRolePolicyAsync(call.Account, name, call["PolicyDocument"], call.Aborted);
    }

    private static async Task CreateGroupAsync(IamCall call)
    {
        var name = IamValidation.EntityName(IamEntityKind.Group, call["GroupName"]);
        var path = IamValidation.Path(call["Path"]);
        await call.AuthorizeAsync("iam:CreateGroup", IamArns.Of(IamEntityKind.Group, call.Account, path, name));
        IamShapes.Group(call.Output, await call.Iam.CreateGroupAsync(call.Account, name, path, call.Aborted));
    }

    private static async Task GetGroupAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:GetGroup", IamEntityKind.Group, call["GroupName"]);
        var (group, users) = await call.Iam.GetGroupAsync(call.Account, name, call["Marker"], call["MaxItems"], call.Aborted);
        IamShapes.Group(call.Output, group);
        IamShapes.Page(call.Output, "Users", users, (xml, user) => IamShapes.User(xml, user, "member", withTags: false));
    }

    private static async Task AddUserToGroupAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:AddUserToGroup", IamEntityKind.Group, call["GroupName"]);
        await call.Iam.AddUserToGroupAsync(call.Account, name, call["UserName"], call.Aborted);
    }

    private static async Task RemoveUserFromGroupAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:RemoveUserFromGroup", IamEntityKind.Group, call["GroupName"]);
        await call.Iam.RemoveUserFromGroupAsync(call.Account, name, call["UserName"], call.Aborted);
    }

    private static async Task ListGroupsForUserAsync(IamCall call)
    {
        var name = await AuthorizeEntityAsync(call, "iam:ListGroupsForUser", IamEntityKind.User, call["UserName"]);
        var page = await call.Iam.ListGroupsForUserAsync(call.Account, name, call["Marker"], call["MaxItems"], call.Aborted);
        IamShapes.Page(call.Output, "Groups", page, (xml, group) => IamShapes.Group(xml, group, "member"));
    }
}
