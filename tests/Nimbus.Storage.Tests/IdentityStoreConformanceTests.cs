// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Storage;

namespace Nimbus.Storage.Tests;

/// <summary>What every <see cref="IIdentityStore"/> must do; each provider subclasses it over fresh storage per test.</summary>
public abstract class IdentityStoreConformanceTests : IAsyncLifetime
{
    protected const string Account = "111111111111";
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private IIdentityStore? _store;

    protected IIdentityStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _store = await OpenAsync();

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task CreateEntityAsync_SameNameOtherCase_IsRefusedButOtherKindIsNot()
    {
        Assert.True(await Store.CreateEntityAsync(Entity(IamEntityKind.User, "Alice"), Token));
        Assert.False(await Store.CreateEntityAsync(Entity(IamEntityKind.User, "alice"), Token));
        Assert.True(await Store.CreateEntityAsync(Entity(IamEntityKind.Role, "alice"), Token));

        var stored = await Store.GetEntityAsync(Account, IamEntityKind.User, "ALICE", Token);
        Assert.NotNull(stored);
        Assert.Equal("Alice", stored.Name);
        Assert.Equal($"arn:aws:iam::{Account}:user/Alice", stored.Arn);
        Assert.Equal(["Alice"], (await Store.ListEntitiesAsync(Account, IamEntityKind.User, Token)).Select(e => e.Name));
        Assert.Empty(await Store.ListEntitiesAsync("222222222222", IamEntityKind.User, Token));
    }

    [Fact]
    public async Task UpdateEntityAsync_Role_KeepsTheNewTrustPolicy()
    {
        var role = Entity(IamEntityKind.Role, "r") with { AssumeRolePolicyDocument = "{}", MaxSessionDuration = 3600, Tags = [new IamTag("k", "v")] };
        await Store.CreateEntityAsync(role, Token);

        Assert.True(await Store.UpdateEntityAsync(role with { AssumeRolePolicyDocument = "{\"x\":1}", MaxSessionDuration = 7200 }, Token));
        var stored = await Store.GetEntityAsync(Account, IamEntityKind.Role, "r", Token);

        Assert.Equal("{\"x\":1}", stored!.AssumeRolePolicyDocument);
        Assert.Equal(7200, stored.MaxSessionDuration);
        Assert.Equal([new IamTag("k", "v")], stored.Tags);
    }

    [Fact]
    public async Task DeleteEntityAsync_WithKeyPolicyOrGroup_ConflictsUntilRemoved()
    {
        await Store.CreateEntityAsync(Entity(IamEntityKind.User, "u"), Token);
        await Store.CreateEntityAsync(Entity(IamEntityKind.Group, "g"), Token);
        await Store.CreateAccessKeyAsync(Key("AKIAAAAAAAAAAAAAAAA1", "u"), 2, Token);
        await Store.PutInlinePolicyAsync(Account, IamEntityKind.User, "u", new InlinePolicy("p", "{}"), Token);
        await Store.AddUserToGroupAsync(Account, "g", "u", Token);

        Assert.Equal(IamWriteOutcome.Conflict, await Store.DeleteEntityAsync(Account, IamEntityKind.User, "u", Token));
        await Store.DeleteAccessKeyAsync(Account, "u", "AKIAAAAAAAAAAAAAAAA1", Token);
        Assert.Equal(IamWriteOutcome.Conflict, await Store.DeleteEntityAsync(Account, IamEntityKind.User, "u", Token));
        await Store.DeleteInlinePolicyAsync(Account, IamEntityKind.User, "u", "p", Token);
        Assert.Equal(IamWriteOutcome.Conflict, await Store.DeleteEntityAsync(Account, IamEntityKind.Group, "g", Token));
        await Store.RemoveUserFromGroupAsync(Account, "g", "u", Token);

        Assert.Equal(IamWriteOutcome.Done, await Store.DeleteEntityAsync(Account, IamEntityKind.User, "U", Token));
        Assert.Equal(IamWriteOutcome.NotFound, await Store.DeleteEntityAsync(Account, IamEntityKind.User, "u", Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.DeleteEntityAsync(Account, IamEntityKind.Group, "g", Token));
    }

    [Fact]
    public async Task CreateAccessKeyAsync_ThirdKeyOrNoUser_IsRefused()
    {
        await Store.CreateEntityAsync(Entity(IamEntityKind.User, "u"), Token);

        Assert.Equal(IamWriteOutcome.Done, await Store.CreateAccessKeyAsync(Key("AKIAAAAAAAAAAAAAAAA1", "u"), 2, Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.CreateAccessKeyAsync(Key("AKIAAAAAAAAAAAAAAAA2", "u"), 2, Token));
        Assert.Equal(IamWriteOutcome.LimitExceeded, await Store.CreateAccessKeyAsync(Key("AKIAAAAAAAAAAAAAAAA3", "u"), 2, Token));
        Assert.Equal(IamWriteOutcome.NotFound, await Store.CreateAccessKeyAsync(Key("AKIAAAAAAAAAAAAAAAA4", "nobody"), 2, Token));

        Assert.True(await Store.UpdateAccessKeyAsync(Account, "u", "AKIAAAAAAAAAAAAAAAA2", IamAccessKey.Inactive, Token));
        Assert.False(await Store.UpdateAccessKeyAsync(Account, "other", "AKIAAAAAAAAAAAAAAAA2", IamAccessKey.Inactive, Token));
        var keys = await Store.ListAccessKeysAsync(Account, "u", Token);
        Assert.Equal(["AKIAAAAAAAAAAAAAAAA1", "AKIAAAAAAAAAAAAAAAA2"], keys.Select(k => k.AccessKeyId));
        Assert.Equal([IamAccessKey.Active, IamAccessKey.Inactive], keys.Select(k => k.Status));
        Assert.Equal("secret-of-AKIAAAAAAAAAAAAAAAA1", keys[0].SecretAccessKey);
        Assert.Equal($"arn:aws:iam::{Account}:user/u", keys[0].UserArn);
        Assert.StartsWith("AIDA", keys[0].UserId, StringComparison.Ordinal);
        Assert.Equal(2, (await Store.ListAccessKeysAsync(null, null, Token)).Count);
    }

    [Fact]
    public async Task PolicyVersions_NumberedNeverReused_DefaultMovesAndIsProtected()
    {
        var policy = Policy("p");
        Assert.True(await Store.CreatePolicyAsync(policy, "{\"v\":1}", Token));
        Assert.False(await Store.CreatePolicyAsync(Policy("P"), "{}", Token));

        var (outcome, v2) = await Store.CreatePolicyVersionAsync(policy.Arn, "{\"v\":2}", setAsDefault: true, 5, Now, Token);
        Assert.Equal(IamWriteOutcome.Done, outcome);
        Assert.Equal("v2", v2!.VersionId);
        Assert.Equal(IamWriteOutcome.Conflict, await Store.DeletePolicyVersionAsync(policy.Arn, "v2", Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.DeletePolicyVersionAsync(policy.Arn, "v1", Token));
        Assert.Equal(IamWriteOutcome.NotFound, await Store.DeletePolicyVersionAsync(policy.Arn, "v1", Token));
        var (_, v3) = await Store.CreatePolicyVersionAsync(policy.Arn, "{\"v\":3}", setAsDefault: false, 5, Now, Token);
        Assert.Equal("v3", v3!.VersionId);

        var versions = await Store.ListPolicyVersionsAsync(policy.Arn, Token);
        Assert.Equal(["v3", "v2"], versions.Select(v => v.VersionId));
        Assert.Equal([false, true], versions.Select(v => v.IsDefaultVersion));
        Assert.Equal("v2", (await Store.GetPolicyAsync(policy.Arn, Token))!.DefaultVersionId);
        Assert.Equal(IamWriteOutcome.HasVersions, await Store.DeletePolicyAsync(policy.Arn, Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.SetDefaultPolicyVersionAsync(policy.Arn, "v3", Now, Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.DeletePolicyVersionAsync(policy.Arn, "v2", Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.DeletePolicyAsync(policy.Arn, Token));
        Assert.Null(await Store.GetPolicyAsync(policy.Arn, Token));
    }

    [Fact]
    public async Task CreatePolicyVersionAsync_SixthVersion_IsRefused()
    {
        var policy = Policy("p");
        await Store.CreatePolicyAsync(policy, "{}", Token);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(IamWriteOutcome.Done, (await Store.CreatePolicyVersionAsync(policy.Arn, "{}", false, 5, Now, Token)).Outcome);
        }

        Assert.Equal(IamWriteOutcome.LimitExceeded, (await Store.CreatePolicyVersionAsync(policy.Arn, "{}", false, 5, Now, Token)).Outcome);
        Assert.Equal(IamWriteOutcome.PolicyNotFound, (await Store.CreatePolicyVersionAsync(policy.Arn + "x", "{}", false, 5, Now, Token)).Outcome);
    }

    [Fact]
    public async Task EffectivePolicies_UserInlineAttachedAndGroups_FollowDefaultVersion()
    {
        await Store.CreateEntityAsync(Entity(IamEntityKind.User, "u"), Token);
        await Store.CreateEntityAsync(Entity(IamEntityKind.Group, "g"), Token);
        var managed = Policy("m");
        var groupManaged = Policy("gm");
        await Store.CreatePolicyAsync(managed, "managed-v1", Token);
        await Store.CreatePolicyAsync(groupManaged, "group-managed", Token);
        await Store.PutInlinePolicyAsync(Account, IamEntityKind.User, "u", new InlinePolicy("i", "user-inline"), Token);
        await Store.PutInlinePolicyAsync(Account, IamEntityKind.Group, "g", new InlinePolicy("i", "group-inline"), Token);
        Assert.Equal(IamWriteOutcome.Done, await Store.AttachPolicyAsync(Account, IamEntityKind.User, "u", managed.Arn, 10, Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.AttachPolicyAsync(Account, IamEntityKind.User, "u", managed.Arn, 10, Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.AttachPolicyAsync(Account, IamEntityKind.Group, "g", groupManaged.Arn, 10, Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.AddUserToGroupAsync(Account, "g", "u", Token));

        Assert.Equal(
            ["group-inline", "group-managed", "managed-v1", "user-inline"],
            (await Store.GetEffectivePolicyDocumentsAsync(Account, IamEntityKind.User, "u", Token)).Order(StringComparer.Ordinal));

        await Store.CreatePolicyVersionAsync(managed.Arn, "managed-v2", setAsDefault: true, 5, Now, Token);
        await Store.RemoveUserFromGroupAsync(Account, "g", "u", Token);
        Assert.Equal(
            ["managed-v2", "user-inline"],
            (await Store.GetEffectivePolicyDocumentsAsync(Account, IamEntityKind.User, "u", Token)).Order(StringComparer.Ordinal));

        Assert.Equal(1, (await Store.GetPolicyAsync(managed.Arn, Token))!.AttachmentCount);
        Assert.Equal(IamWriteOutcome.Conflict, await Store.DeletePolicyAsync(groupManaged.Arn, Token));
        Assert.Equal([new AttachedPolicy("m", managed.Arn)], await Store.ListAttachedPoliciesAsync(Account, IamEntityKind.User, "u", Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.DetachPolicyAsync(Account, IamEntityKind.User, "u", managed.Arn, Token));
        Assert.Equal(IamWriteOutcome.NotAttached, await Store.DetachPolicyAsync(Account, IamEntityKind.User, "u", managed.Arn, Token));
        Assert.Equal(["user-inline"], await Store.GetEffectivePolicyDocumentsAsync(Account, IamEntityKind.User, "u", Token));
    }

    [Fact]
    public async Task AttachPolicyAsync_MissingPolicyUserOrOverLimit_IsRefused()
    {
        await Store.CreateEntityAsync(Entity(IamEntityKind.Role, "r"), Token);
        var a = Policy("a");
        var b = Policy("b");
        await Store.CreatePolicyAsync(a, "{}", Token);
        await Store.CreatePolicyAsync(b, "{}", Token);

        Assert.Equal(IamWriteOutcome.PolicyNotFound, await Store.AttachPolicyAsync(Account, IamEntityKind.Role, "r", a.Arn + "x", 1, Token));
        Assert.Equal(IamWriteOutcome.NotFound, await Store.AttachPolicyAsync(Account, IamEntityKind.User, "r", a.Arn, 1, Token));
        Assert.Equal(IamWriteOutcome.Done, await Store.AttachPolicyAsync(Account, IamEntityKind.Role, "r", a.Arn, 1, Token));
        Assert.Equal(IamWriteOutcome.LimitExceeded, await Store.AttachPolicyAsync(Account, IamEntityKind.Role, "r", b.Arn, 1, Token));
        Assert.Equal([(IamEntityKind.Role, "r")], await Store.ListEntitiesForPolicyAsync(a.Arn, Token));
    }

    [Fact]
    public async Task Sessions_ExpiredAreForgotten_OthersKeepTheirSecrets()
    {
        await Store.SaveSessionAsync(Session("ASIAAAAAAAAAAAAAAAA1", Now.AddMinutes(15)), Token);
        await Store.SaveSessionAsync(Session("ASIAAAAAAAAAAAAAAAA2", Now.AddMinutes(-1)), Token);

        var live = await Store.ListSessionsAsync(Now, Token);

        var session = Assert.Single(live);
        Assert.Equal("ASIAAAAAAAAAAAAAAAA1", session.AccessKeyId);
        Assert.Equal("secret-ASIAAAAAAAAAAAAAAAA1", session.SecretAccessKey);
        Assert.Equal("token-ASIAAAAAAAAAAAAAAAA1", session.SessionToken);
        Assert.Equal(Now.AddMinutes(15), session.Expiration);
        Assert.Equal("AROAAAAAAAAAAAAAAAAAA:s", session.UniqueId);
    }

    protected abstract Task<IIdentityStore> OpenAsync();

    protected abstract ValueTask CloseAsync();

    protected abstract ValueTask DisposeStorageAsync();

    protected static IamEntity Entity(IamEntityKind kind, string name) => new()
    {
        Kind = kind,
        Account = Account,
        Name = name,
        Id = IamIds.For(kind),
        Path = "/",
        CreatedAt = Now,
    };

    protected static IamAccessKey Key(string id, string user) => new()
    {
        AccessKeyId = id,
        Account = Account,
        UserName = user,
        SecretAccessKey = "secret-of-" + id,
        Status = IamAccessKey.Active,
        CreatedAt = Now.AddSeconds(id[^1]),
    };

    protected static ManagedPolicy Policy(string name) => new()
    {
        Account = Account,
        Name = name,
        Id = IamIds.New(IamIds.PolicyPrefix),
        Path = "/",
        DefaultVersionId = "v1",
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    protected static StoredSession Session(string id, DateTimeOffset expiration) => new()
    {
        AccessKeyId = id,
        SecretAccessKey = "secret-" + id,
        SessionToken = "token-" + id,
        PrincipalArn = $"arn:aws:sts::{Account}:assumed-role/r/s",
        Account = Account,
        UniqueId = "AROAAAAAAAAAAAAAAAAAA:s",
        Expiration = expiration,
    };
}
