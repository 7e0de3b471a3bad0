// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Storage;

namespace Nimbus.Core.Access.Iam;

/// <summary>
/// IAM's rules over the <see cref="IIdentityStore"/>: users, roles and groups, access keys, inline and managed
/// policies, attachments. Validates as the botocore model and IAM do and throws <see cref="IamException"/> with AWS's
/// texts; keeps the <see cref="CredentialDirectory"/> (the keys the authentication middleware accepts) in step with
/// the stored keys, and tells the <see cref="IamDirectory"/> of every change.
/// </summary>
public sealed partial class IamService(IIdentityStore store, IamDirectory directory, CredentialDirectory credentials, TimeProvider time)
{
    /// <summary>IAM's quota: two access keys per user.</summary>
    public const int AccessKeysPerUser = 2;

    /// <summary>IAM's default quota of managed policies attached to one user, role or group.</summary>
    public const int AttachedPoliciesPerEntity = 10;

    /// <summary>IAM's limit of versions per managed policy.</summary>
    public const int VersionsPerPolicy = 5;

    /// <summary>Loads every stored access key and unexpired session into the credential directory; once, at start.</summary>
    public async Task LoadCredentialsAsync(CancellationToken cancellationToken)
    {
        foreach (var key in await store.ListAccessKeysAsync(null, null, cancellationToken))
        {
            credentials.Add(Credential(key));
        }

        // Sessions expired lately too, so that they are refused as expired rather than as unknown.
        foreach (var session in await store.ListSessionsAsync(time.GetUtcNow() - CredentialDirectory.ExpiredRemembered, cancellationToken))
        {
            credentials.Add(new CallerCredential
            {
                AccessKeyId = session.AccessKeyId,
                SecretAccessKey = session.SecretAccessKey,
                SessionToken = session.SessionToken,
                PrincipalArn = session.PrincipalArn,
                AccountId = session.Account,
                UniqueId = session.UniqueId,
                Expiration = session.Expiration,
            });
        }
    }

    public async Task<IamEntity> CreateEntityAsync(IamEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (!await store.CreateEntityAsync(entity, cancellationToken))
        {
            throw IamErrors.AlreadyExists(entity.Kind, entity.Name);
        }

        directory.Changed();
        return entity;
    }

    public async Task<IamEntity> CreateUserAsync(string account, string? userName, string? path, IReadOnlyList<IamTag> tags, CancellationToken cancellationToken)
    {
        var name = IamValidation.UserName(userName);
        var validPath = IamValidation.Path(path);
        IamTags.Validate(tags);
        return await CreateEntityAsync(New(IamEntityKind.User, account, name, validPath) with { Tags = tags }, cancellationToken);
    }

    /// <summary>The user, role or group, or IAM's NoSuchEntity.</summary>
    public async Task<IamEntity> GetEntityAsync(string account, IamEntityKind kind, string? name, CancellationToken cancellationToken)
    {
        var valid = IamValidation.EntityName(kind, name);
        return await store.GetEntityAsync(account, kind, valid, cancellationToken) ?? throw IamErrors.NoSuchEntity(kind, valid);
    }

    /// <summary>The user, role or group if it exists (for a resource ARN with its path), without validating the name.</summary>
    public Task<IamEntity?> FindEntityAsync(string account, IamEntityKind kind, string name, CancellationToken cancellationToken) =>
        store.GetEntityAsync(account, kind, name, cancellationToken);

    public async Task<IamPage<IamEntity>> ListEntitiesAsync(string account, IamEntityKind kind, string? pathPrefix, string? marker, string? maxItems, CancellationToken cancellationToken)
    {
        var prefix = IamValidation.PathPrefix(pathPrefix);
        var all = await store.ListEntitiesAsync(account, kind, cancellationToken);
        var matching = prefix is null ? all : all.Where(e => e.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return IamPaging.Of(matching, e => e.Name, marker, maxItems);
    }

    public async Task DeleteEntityAsync(string account, IamEntityKind kind, string? name, CancellationToken cancellationToken)
    {
        var valid = IamValidation.EntityName(kind, name);
        switch (await store.DeleteEntityAsync(account, kind, valid, cancellationToken))
        {
            case IamWriteOutcome.NotFound:
                throw IamErrors.NoSuchEntity(kind, valid);
            case IamWriteOutcome.Conflict:
                throw await ConflictOfAsync(account, kind, valid, cancellationToken);
        }

        directory.Changed();
    }

    public async Task<IamEntity> TagEntityAsync(string account, IamEntityKind kind, string? name, IReadOnlyList<IamTag> tags, CancellationToken cancellationToken)
    {
        var entity = await GetEntityAsync(account, kind, name, cancellationToken);
        IamTags.Validate(tags);
        var merged = IamTags.Merge(entity.Tags, tags);
        return await UpdateAsync(entity with { Tags = merged }, cancellationToken);
    }

    public async Task<IamEntity> UntagEntityAsync(string account, IamEntityKind kind, string? name, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var entity = await GetEntityAsync(account, kind, name, cancellationToken);
        var kept = entity.Tags.Where(t => !keys.Contains(t.Key, StringComparer.OrdinalIgnoreCase)).ToList();
        return await UpdateAsync(entity with { Tags = kept }, cancellationToken);
    }

    public async Task<IamAccessKey> CreateAccessKeyAsync(string account, string? userName, CancellationToken cancellationToken)
    {
        var user = await GetEntityAsync(account, IamEntityKind.User, userName, cancellationToken);
        var key = new IamAccessKey
        {
            AccessKeyId = CredentialDirectory.NewAccessKeyId(),
            Account = account,
            UserName = user.Name,
            SecretAccessKey = CredentialDirectory.NewSecretAccessKey(),
            Status = IamAccessKey.Active,
            CreatedAt = Now(),
            UserArn = user.Arn,
            UserId = user.Id,
        };
        switch (await store.CreateAccessKeyAsync(key, AccessKeysPerUser, cancellationToken))
        {
            case IamWriteOutcome.NotFound:
                throw IamErrors.NoSuchEntity(IamEntityKind.User, user.Name);
            case IamWriteOutcome.LimitExceeded:
                throw IamErrors.Quota("AccessKeysPerUser", AccessKeysPerUser);
        }

        credentials.Add(Credential(key));
        return key;
    }

    public async Task<IReadOnlyList<IamAccessKey>> ListAccessKeysAsync(string account, string? userName, CancellationToken cancellationToken)
    {
        var user = await GetEntityAsync(account, IamEntityKind.User, userName, cancellationToken);
        return await store.ListAccessKeysAsync(account, user.Name, cancellationToken);
    }

    public async Task UpdateAccessKeyAsync(string account, string? userName, string? accessKeyId, string? status, CancellationToken cancellationToken)
    {
        var id = IamValidation.AccessKeyId(accessKeyId);
        if (status is not (IamAccessKey.Active or IamAccessKey.Inactive))
        {
            throw IamErrors.Validation(status, "status", "Member must satisfy enum value set: [Active, Inactive, Expired]");
        }

        var user = await GetEntityAsync(account, IamEntityKind.User, userName, cancellationToken);
        if (!await store.UpdateAccessKeyAsync(account, user.Name, id, status, cancellationToken))
        {
            throw IamErrors.NoSuchAccessKey(id);
        }

        if (credentials.TryGet(id, Now(), out var known))
        {
            credentials.Add(known with { IsActive = status == IamAccessKey.Active });
        }
    }

    public async Task DeleteAccessKeyAsync(string account, string? userName, string? accessKeyId, CancellationToken cancellationToken)
    {
        var id = IamValidation.AccessKeyId(accessKeyId);
        var user = await GetEntityAsync(account, IamEntityKind.User, userName, cancellationToken);
        if (!await store.DeleteAccessKeyAsync(account, user.Name, id, cancellationToken))
        {
            throw IamErrors.NoSuchAccessKey(id);
        }

        credentials.Remove(id);
    }

    private static CallerCredential Credential(IamAccessKey key) => new()
    {
        AccessKeyId = key.AccessKeyId,
        SecretAccessKey = key.SecretAccessKey,
        PrincipalArn = key.UserArn ?? IamArns.Of(IamEntityKind.User, key.Account, "/", key.UserName),
        AccountId = key.Account,
        UniqueId = key.UserId,
        IsActive = key.Status == IamAccessKey.Active,
    };

    private IamEntity New(IamEntityKind kind, string account, string name, string path) => new()
    {
        Kind = kind,
        Account = account,
        Name = name,
        Id = IamIds.For(kind),
        Path = path,
        CreatedAt = Now(),
    };

    private async Task<IamEntity> UpdateAsync(IamEntity entity, CancellationToken cancellationToken)
    {
        if (!await store.UpdateEntityAsync(entity, cancellationToken))
        {
            throw IamErrors.NoSuchEntity(entity.Kind, entity.Name);
        }

        directory.Changed();
        return entity;
    }

    /// <summary>Which dependent IAM names first in its DeleteConflict text.</summary>
    private async Task<IamException> ConflictOfAsync(string account, IamEntityKind kind, string name, CancellationToken cancellationToken)
    {
        if (kind == IamEntityKind.User && (await store.ListAccessKeysAsync(account, name, cancellationToken)).Count > 0)
        {
            return IamErrors.DeleteConflict("delete access keys");
        }

        if (kind == IamEntityKind.Group && (await store.ListGroupMembersAsync(account, name, cancellationToken)).Count > 0)
        {
            return IamErrors.DeleteConflict("remove users from group");
        }

        if ((await store.ListInlinePoliciesAsync(account, kind, name, cancellationToken)).Count > 0)
        {
            return IamErrors.DeleteConflict("delete policies");
        }

        if ((await store.ListAttachedPoliciesAsync(account, kind, name, cancellationToken)).Count > 0)
        {
            return IamErrors.DeleteConflict("detach all policies");
        }

        // A user still in a group. IAM's exact text for this case is not known; it follows the form of the others.
        return IamErrors.DeleteConflict("remove user from all groups");
    }

    private DateTimeOffset Now()
    {
        // IAM's dates have whole seconds.
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }
}
