// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Access.Policies;
using Nimbus.Storage.Sqlite;
using Nimbus.Storage.Tests.Sqlite;

namespace Nimbus.Storage.Tests.Identity;

/// <summary>
/// IAM's and STS's rules (Core's IamService, StsService, IamDirectory) over the real SQLite store: the credential
/// directory follows the keys, the policy source follows every change, sessions and keys come back after a restart.
/// </summary>
public sealed class IamServiceTests : IAsyncLifetime
{
    private const string Account = "000000000000";
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(Start);
    private SqliteDatabase? _database;
    private SqliteIdentityStore? _store;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private SqliteIdentityStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async ValueTask InitializeAsync() => await OpenAsync();

    public ValueTask DisposeAsync()
    {
        _database?.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task AccessKeys_CreateUpdateDelete_AreFollowedByTheCredentialDirectory()
    {
        var (iam, _, credentials) = Services();
        var user = await iam.CreateUserAsync(Account, "alice", "/team/", [], Token);

        var key = await iam.CreateAccessKeyAsync(Account, "ALICE", Token);

        Assert.True(credentials.TryGet(key.AccessKeyId, Start, out var known));
        Assert.Equal((user.Arn, user.Id, true), (known.PrincipalArn, known.UniqueId, known.IsActive));
        Assert.Equal($"{user.Id}", known.Identity.UserId);
        await iam.UpdateAccessKeyAsync(Account, "alice", key.AccessKeyId, IamAccessKey.Inactive, Token);
        Assert.True(credentials.TryGet(key.AccessKeyId, Start, out known));
        Assert.False(known.IsActive);
        await iam.CreateAccessKeyAsync(Account, "alice", Token);
        var limit = await Assert.ThrowsAsync<IamException>(() => iam.CreateAccessKeyAsync(Account, "alice", Token));
        Assert.Equal(("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2"), (limit.Code, limit.StatusCode, limit.Message));
        await iam.DeleteAccessKeyAsync(Account, "alice", key.AccessKeyId, Token);
        Assert.False(credentials.TryGet(key.AccessKeyId, Start, out _));
    }

    [Fact]
    public async Task Restart_LoadsKeysWithTheirStatusAndSessionsUntilLongAfterExpiry()
    {
        var (iam, sts, _) = Services();
        await iam.CreateUserAsync(Account, "alice", null, [], Token);
        var key = await iam.CreateAccessKeyAsync(Account, "alice", Token);
        await iam.UpdateAccessKeyAsync(Account, "alice", key.AccessKeyId, IamAccessKey.Inactive, Token);
        var role = await iam.CreateRoleAsync(Account, "r", null, Trust("arn:aws:iam::000000000000:user/alice"), null, null, [], Token);
        var description = await new IamDirectory(Store).FindRoleAsync(role.Arn, Token);
        var session = await sts.AssumeRoleAsync(description!, "s1", 900, Token);
        Assert.Equal(Start.AddSeconds(900), session.Expiration);

        _database!.Dispose();
        await OpenAsync();
        var (reloaded, _, credentials) = Services();
        await reloaded.LoadCredentialsAsync(Token);

        Assert.True(credentials.TryGet(key.AccessKeyId, Start, out var stored));
        Assert.False(stored.IsActive);
        Assert.Equal(key.SecretAccessKey, stored.SecretAccessKey);
        Assert.True(credentials.TryGet(session.AccessKeyId, Start, out var restored));
        Assert.Equal((session.SecretAccessKey, session.SessionToken, "arn:aws:sts::000000000000:assumed-role/r/s1"), (restored.SecretAccessKey, restored.SessionToken, restored.PrincipalArn));
        Assert.Equal($"{role.Id}:s1", restored.Identity.UserId);

        _time.Advance(TimeSpan.FromHours(2));
        var (later, _, afterExpiry) = Services();
        await later.LoadCredentialsAsync(Token);
        Assert.False(afterExpiry.TryGet(session.AccessKeyId, _time.GetUtcNow(), out _));
        Assert.True(afterExpiry.IsExpired(session.AccessKeyId, _time.GetUtcNow()));
    }

    [Fact]
    public async Task AssumeRole_LongerThanTheRoleAllows_IsRefused()
    {
        var (iam, sts, _) = Services();
        var role = await iam.CreateRoleAsync(Account, "r", null, Trust("arn:aws:iam::000000000000:root"), null, "3600", [], Token);
        var description = await new IamDirectory(Store).FindRoleAsync(role.Arn, Token);

        var error = await Assert.ThrowsAsync<IamException>(() => sts.AssumeRoleAsync(description!, "s", 3601, Token));

        Assert.Equal(("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), (error.Code, error.Message));
        Assert.Equal(TimeSpan.FromHours(1), description!.MaxSessionDuration);
        Assert.Null(await new IamDirectory(Store).FindRoleAsync("arn:aws:iam::000000000000:role/other-path/r", Token));
    }

    [Fact]
    public async Task Policies_OfUsersAndSessions_FollowEveryChangeAndMoveTheGeneration()
    {
        var (iam, _, _) = Services(out var directory);
        await iam.CreateUserAsync(Account, "alice", null, [], Token);
        await iam.CreateGroupAsync(Account, "g", null, Token);
        await iam.CreateRoleAsync(Account, "r", null, Trust("arn:aws:iam::000000000000:root"), null, null, [], Token);
        const string User = "arn:aws:iam::000000000000:user/alice";
        Assert.Empty(await directory.GetPoliciesAsync(User, Token));

        var before = directory.Generation;
        await iam.PutInlinePolicyAsync(Account, IamEntityKind.Group, "g", "p", Allow("iam:ListRoles"), Token);
        await iam.AddUserToGroupAsync(Account, "g", "alice", Token);
        var policy = await iam.CreatePolicyAsync(Account, "m", null, Allow("iam:GetUser"), null, [], Token);
        await iam.AttachPolicyAsync(Account, IamEntityKind.Role, "r", policy.Arn, Token);

        Assert.True(directory.Generation >= before + 3);
        var userPolicies = await directory.GetPoliciesAsync(User, Token);
        Assert.Equal(["iam:ListRoles"], userPolicies.SelectMany(p => p.Statements).Select(s => Assert.Single(s.Actions)));
        var sessionPolicies = await directory.GetPoliciesAsync("arn:aws:sts::000000000000:assumed-role/r/s", Token);
        Assert.Equal(PolicyKind.Identity, Assert.Single(sessionPolicies).Kind);
        Assert.Empty(await directory.GetPoliciesAsync("arn:aws:iam::000000000000:root", Token));

        var generation = directory.Generation;
        await iam.RemoveUserFromGroupAsync(Account, "g", "alice", Token);
        Assert.True(directory.Generation > generation);
        Assert.Empty(await directory.GetPoliciesAsync(User, Token));
    }

    [Fact]
    public async Task InlinePolicies_OverTheirEntitysQuotaTogether_AreRefusedWithIamsText()
    {
        var (iam, _, _) = Services();
        await iam.CreateUserAsync(Account, "alice", null, [], Token);
        var big = Allow("iam:" + new string('A', 1200));
        await iam.PutInlinePolicyAsync(Account, IamEntityKind.User, "alice", "one", big, Token);

        var error = await Assert.ThrowsAsync<IamException>(() => iam.PutInlinePolicyAsync(Account, IamEntityKind.User, "alice", "two", big, Token));
        await iam.PutInlinePolicyAsync(Account, IamEntityKind.User, "alice", "ONE", big, Token); // replaces; not added

        Assert.Equal(("LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user alice"), (error.Code, error.StatusCode, error.Message));
        var malformed = await Assert.ThrowsAsync<IamException>(() => iam.PutInlinePolicyAsync(Account, IamEntityKind.User, "alice", "x", "{", Token));
        Assert.Equal(("MalformedPolicyDocument", 400, "Syntax errors in policy."), (malformed.Code, malformed.StatusCode, malformed.Message));
    }

    [Fact]
    public async Task DeleteUser_WithDependents_NamesWhatToRemoveFirst()
    {
        var (iam, _, _) = Services();
        await iam.CreateUserAsync(Account, "alice", null, [], Token);
        await iam.CreateGroupAsync(Account, "g", null, Token);
        var key = await iam.CreateAccessKeyAsync(Account, "alice", Token);
        await iam.PutInlinePolicyAsync(Account, IamEntityKind.User, "alice", "p", Allow("iam:GetUser"), Token);
        var policy = await iam.CreatePolicyAsync(Account, "m", null, Allow("iam:GetUser"), null, [], Token);
        await iam.AttachPolicyAsync(Account, IamEntityKind.User, "alice", policy.Arn, Token);
        await iam.AddUserToGroupAsync(Account, "g", "alice", Token);

        var messages = new List<string>();
        foreach (var remove in new Func<Task>[]
        {
            () => iam.DeleteAccessKeyAsync(Account, "alice", key.AccessKeyId, Token),
            () => iam.DeleteInlinePolicyAsync(Account, IamEntityKind.User, "alice", "p", Token),
            () => iam.DetachPolicyAsync(Account, IamEntityKind.User, "alice", policy.Arn, Token),
            () => iam.RemoveUserFromGroupAsync(Account, "g", "alice", Token),
        })
        {
            messages.Add((await Assert.ThrowsAsync<IamException>(() => iam.DeleteEntityAsync(Account, IamEntityKind.User, "alice", Token))).Message);
            await remove();
        }

        await iam.DeleteEntityAsync(Account, IamEntityKind.User, "alice", Token);
        Assert.Equal(
            [
                "Cannot delete entity, must delete access keys first.",
                "Cannot delete entity, must delete policies first.",
                "Cannot delete entity, must detach all policies first.",
                "Cannot delete entity, must remove user from all groups first.",
            ],
            messages);
        var missing = await Assert.ThrowsAsync<IamException>(() => iam.GetEntityAsync(Account, IamEntityKind.User, "alice", Token));
        Assert.Equal(("NoSuchEntity", 404, "The user with name alice cannot be found."), (missing.Code, missing.StatusCode, missing.Message));
    }

    private static string Allow(string action) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"{{action}}","Resource":"*"}]}""";

    private static string Trust(string principal) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{principal}}"},"Action":"sts:AssumeRole"}]}""";

    private async Task OpenAsync()
    {
        _database = SqliteStores.OpenDatabase(_directory.Path);
        await _database.MigrateAsync(Token);
        _store = new SqliteIdentityStore(_database, new SecretBox(_directory.Path));
    }

    private (IamService Iam, StsService Sts, CredentialDirectory Credentials) Services() => Services(out _);

    private (IamService Iam, StsService Sts, CredentialDirectory Credentials) Services(out IamDirectory directory)
    {
        var credentials = new CredentialDirectory();
        directory = new IamDirectory(Store);
        return (new IamService(Store, directory, credentials, _time), new StsService(Store, credentials, _time), credentials);
    }
}
