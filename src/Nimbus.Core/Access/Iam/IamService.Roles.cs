// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Access.Iam;

/// <summary>Roles (trust policy, description, longest session) and groups (membership).</summary>
public sealed partial class IamService
{
    public async Task<IamEntity> CreateRoleAsync(string account, string? roleName, string? path, string? trustPolicy, string? description, string? maxSessionDuration, IReadOnlyList<IamTag> tags, CancellationToken cancellationToken)
    {
        var name = IamValidation.EntityName(IamEntityKind.Role, roleName);
        var validPath = IamValidation.Path(path);
        var document = IamValidation.Document(trustPolicy, "assumeRolePolicyDocument");
        ValidateDescription(description);
        var maxSession = IamValidation.Number(maxSessionDuration, "maxSessionDuration", 3600, 43200) ?? 3600;
        IamTags.Validate(tags);
        Parse(document, PolicyKind.Trust, PolicySizeLimit.TrustPolicy);
        var role = New(IamEntityKind.Role, account, name, validPath) with
        {
            AssumeRolePolicyDocument = document,
            Description = description,
            MaxSessionDuration = maxSession,
            Tags = tags,
        };
        return await CreateEntityAsync(role, cancellationToken);
    }

    public async Task UpdateAssumeRolePolicyAsync(string account, string? roleName, string? trustPolicy, CancellationToken cancellationToken)
    {
        var role = await GetEntityAsync(account, IamEntityKind.Role, roleName, cancellationToken);
        var document = IamValidation.Document(trustPolicy, "policyDocument");
        Parse(document, PolicyKind.Trust, PolicySizeLimit.TrustPolicy);
        await UpdateAsync(role with { AssumeRolePolicyDocument = document }, cancellationToken);
    }

    public async Task UpdateRoleAsync(string account, string? roleName, string? description, string? maxSessionDuration, CancellationToken cancellationToken)
    {
        var role = await GetEntityAsync(account, IamEntityKind.Role, roleName, cancellationToken);
        ValidateDescription(description);
        var maxSession = IamValidation.Number(maxSessionDuration, "maxSessionDuration", 3600, 43200);
        await UpdateAsync(role with { Description = description ?? role.Description, MaxSessionDuration = maxSession ?? role.MaxSessionDuration }, cancellationToken);
    }

    public async Task<IamEntity> CreateGroupAsync(string account, string? groupName, string? path, CancellationToken cancellationToken)
    {
        var name = IamValidation.EntityName(IamEntityKind.Group, groupName);
        var validPath = IamValidation.Path(path);
        return await CreateEntityAsync(New(IamEntityKind.Group, account, name, validPath), cancellationToken);
    }

    public async Task<(IamEntity Group, IamPage<IamEntity> Users)> GetGroupAsync(string account, string? groupName, string? marker, string? maxItems, CancellationToken cancellationToken)
    {
        var group = await GetEntityAsync(account, IamEntityKind.Group, groupName, cancellationToken);
        var members = await store.ListGroupMembersAsync(account, group.Name, cancellationToken);
        return (group, IamPaging.Of(members, u => u.Name, marker, maxItems));
    }

    public async Task AddUserToGroupAsync(string account, string? groupName, string? userName, CancellationToken cancellationToken)
    {
        var group = IamValidation.EntityName(IamEntityKind.Group, groupName);
        var user = IamValidation.UserName(userName);
        switch (await store.AddUserToGroupAsync(account, group, user, cancellationToken))
        {
            case IamWriteOutcome.NotFound:
                throw IamErrors.NoSuchEntity(IamEntityKind.Group, group);
            case IamWriteOutcome.MemberNotFound:
                throw IamErrors.NoSuchEntity(IamEntityKind.User, user);
        }

        directory.Changed();
    }

    public async Task RemoveUserFromGroupAsync(string account, string? groupName, string? userName, CancellationToken cancellationToken)
    {
        var group = await GetEntityAsync(account, IamEntityKind.Group, groupName, cancellationToken);
        var user = await GetEntityAsync(account, IamEntityKind.User, userName, cancellationToken);
        if (!await store.RemoveUserFromGroupAsync(account, group.Name, user.Name, cancellationToken))
        {
            // IAM's text when the user is not in the group is not known exactly; NoSuchEntity names the user.
            throw new IamException(IamErrors.NoSuchEntityCode, 404, $"The user with name {user.Name} cannot be found in group {group.Name}.");
        }

        directory.Changed();
    }

    public async Task<IamPage<IamEntity>> ListGroupsForUserAsync(string account, string? userName, string? marker, string? maxItems, CancellationToken cancellationToken)
    {
        var user = await GetEntityAsync(account, IamEntityKind.User, userName, cancellationToken);
        return IamPaging.Of(await store.ListGroupsForUserAsync(account, user.Name, cancellationToken), g => g.Name, marker, maxItems);
    }

    private static void ValidateDescription(string? description) =>
        IamValidation.Optional(description, "description", 0, 1000);
}
