// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;

namespace Nimbus.Core.Storage;

/// <summary>
/// IAM's state: users, roles and groups, access keys, inline and managed policies (with versions), attachments,
/// group membership, and STS's sessions. Names of users, roles, groups and policies are matched without regard to
/// case, as IAM's. Secrets (access keys' and sessions') are stored encrypted. Every conditional write checks its
/// condition inside its own transaction.
/// </summary>
public interface IIdentityStore
{
    /// <summary>Adds a user, role or group; false when one of that kind and name exists.</summary>
    Task<bool> CreateEntityAsync(IamEntity entity, CancellationToken cancellationToken);

    Task<IamEntity?> GetEntityAsync(string account, IamEntityKind kind, string name, CancellationToken cancellationToken);

    /// <summary>The account's users, roles or groups, by name (ordinal).</summary>
    Task<IReadOnlyList<IamEntity>> ListEntitiesAsync(string account, IamEntityKind kind, CancellationToken cancellationToken);

    /// <summary>Replaces an entity's mutable members (tags, trust policy, description, longest session); false when gone.</summary>
    Task<bool> UpdateEntityAsync(IamEntity entity, CancellationToken cancellationToken);

    /// <summary>Deletes it unless it still has access keys, inline or attached policies, group memberships or members
    /// (<see cref="IamWriteOutcome.Conflict"/>).</summary>
    Task<IamWriteOutcome> DeleteEntityAsync(string account, IamEntityKind kind, string name, CancellationToken cancellationToken);

    /// <summary>Adds a key to an existing user with fewer than <paramref name="limit"/> keys.</summary>
    Task<IamWriteOutcome> CreateAccessKeyAsync(IamAccessKey key, int limit, CancellationToken cancellationToken);

    /// <summary>One user's keys, oldest first; with <paramref name="userName"/> null, every user's keys of every account.</summary>
    Task<IReadOnlyList<IamAccessKey>> ListAccessKeysAsync(string? account, string? userName, CancellationToken cancellationToken);

    Task<bool> UpdateAccessKeyAsync(string account, string userName, string accessKeyId, string status, CancellationToken cancellationToken);

    Task<bool> DeleteAccessKeyAsync(string account, string userName, string accessKeyId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces an inline policy; false when the user, role or group does not exist.</summary>
    Task<bool> PutInlinePolicyAsync(string account, IamEntityKind kind, string entityName, InlinePolicy policy, CancellationToken cancellationToken);

    /// <summary>An entity's inline policies, by name.</summary>
    Task<IReadOnlyList<InlinePolicy>> ListInlinePoliciesAsync(string account, IamEntityKind kind, string entityName, CancellationToken cancellationToken);

    Task<bool> DeleteInlinePolicyAsync(string account, IamEntityKind kind, string entityName, string policyName, CancellationToken cancellationToken);

    /// <summary>Adds a managed policy with its first version (v1, the default); false when one of that name exists.</summary>
    Task<bool> CreatePolicyAsync(ManagedPolicy policy, string document, CancellationToken cancellationToken);

    Task<ManagedPolicy?> GetPolicyAsync(string policyArn, CancellationToken cancellationToken);

    /// <summary>The account's managed policies, by name.</summary>
    Task<IReadOnlyList<ManagedPolicy>> ListPoliciesAsync(string account, CancellationToken cancellationToken);

    /// <summary>Deletes it unless attached (<see cref="IamWriteOutcome.Conflict"/>) or with versions besides the default
    /// (<see cref="IamWriteOutcome.HasVersions"/>).</summary>
    Task<IamWriteOutcome> DeletePolicyAsync(string policyArn, CancellationToken cancellationToken);

    /// <summary>Adds the next version (v2, v3 … never reused) unless the policy has <paramref name="limit"/> already.</summary>
    Task<(IamWriteOutcome Outcome, PolicyVersion? Version)> CreatePolicyVersionAsync(string policyArn, string document, bool setAsDefault, int limit, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A policy's versions, newest first.</summary>
    Task<IReadOnlyList<PolicyVersion>> ListPolicyVersionsAsync(string policyArn, CancellationToken cancellationToken);

    /// <summary>Deletes a version that is not the default (<see cref="IamWriteOutcome.Conflict"/> when it is).</summary>
    Task<IamWriteOutcome> DeletePolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken);

    Task<IamWriteOutcome> SetDefaultPolicyVersionAsync(string policyArn, string versionId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Attaches a managed policy of the same account (idempotent) unless the entity has <paramref name="limit"/> already.</summary>
    Task<IamWriteOutcome> AttachPolicyAsync(string account, IamEntityKind kind, string entityName, string policyArn, int limit, CancellationToken cancellationToken);

    Task<IamWriteOutcome> DetachPolicyAsync(string account, IamEntityKind kind, string entityName, string policyArn, CancellationToken cancellationToken);

    Task<IReadOnlyList<AttachedPolicy>> ListAttachedPoliciesAsync(string account, IamEntityKind kind, string entityName, CancellationToken cancellationToken);

    /// <summary>Every entity of one kind the policy is attached to, by name.</summary>
    Task<IReadOnlyList<(IamEntityKind Kind, string Name)>> ListEntitiesForPolicyAsync(string policyArn, CancellationToken cancellationToken);

    /// <summary>Adds a user to a group (idempotent): <see cref="IamWriteOutcome.NotFound"/> for no group,
    /// <see cref="IamWriteOutcome.MemberNotFound"/> for no user.</summary>
    Task<IamWriteOutcome> AddUserToGroupAsync(string account, string groupName, string userName, CancellationToken cancellationToken);

    Task<bool> RemoveUserFromGroupAsync(string account, string groupName, string userName, CancellationToken cancellationToken);

    /// <summary>The groups a user is in, by name.</summary>
    Task<IReadOnlyList<IamEntity>> ListGroupsForUserAsync(string account, string userName, CancellationToken cancellationToken);

    /// <summary>The users in a group, by name.</summary>
    Task<IReadOnlyList<IamEntity>> ListGroupMembersAsync(string account, string groupName, CancellationToken cancellationToken);

    /// <summary>
    /// Every policy document that applies to a user or role, in one read: its inline policies and the default versions
    /// of its attached managed policies, and for a user those of its groups too.
    /// </summary>
    Task<IReadOnlyList<string>> GetEffectivePolicyDocumentsAsync(string account, IamEntityKind kind, string entityName, CancellationToken cancellationToken);

    Task SaveSessionAsync(StoredSession session, CancellationToken cancellationToken);

    /// <summary>Sessions that expire after <paramref name="after"/>; older ones are deleted.</summary>
    Task<IReadOnlyList<StoredSession>> ListSessionsAsync(DateTimeOffset after, CancellationToken cancellationToken);
}
