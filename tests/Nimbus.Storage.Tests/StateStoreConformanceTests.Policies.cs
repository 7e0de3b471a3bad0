// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using Nimbus.Core.Permissions;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests;

/// <summary>Function policies: per qualifier, moving the qualifier's RevisionId in the same commit, gone with their owner.</summary>
public abstract partial class StateStoreConformanceTests
{
    private IFunctionPolicyStore Policies => Store.Policies ?? throw new InvalidOperationException("This provider has no policy store.");

    private static FunctionStatement Grant(string sid) => new()
    {
        StatementId = sid,
        Action = "lambda:InvokeFunction",
        Principal = "s3.amazonaws.com",
        SourceArn = "arn:aws:s3:::bucket",
        InvokedViaFunctionUrl = true,
    };

    [Fact]
    public async Task TryReplacePermissionsAsync_Latest_StoresStatementsAndMovesRevision()
    {
        var function = Create(ScopeA, "fn", revisionId: "r1");
        await Store.Functions.TryCreateFunctionAsync(function, Token);

        Assert.True(await Policies.TryReplacePermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, [Grant("a"), Grant("b")], "r1", "r2", Token));

        Assert.Equal([Grant("a"), Grant("b")], await Policies.GetPermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, Token));
        Assert.Equal("r2", (await Store.Functions.GetFunctionAsync(ScopeA, "fn", Token))?.Latest.RevisionId);
        Assert.True(await Store.Functions.TryUpdateFunctionAsync(WithRevision(function, "r3"), "r2", Token));
        Assert.Empty(await Policies.GetPermissionsAsync(ScopeB, "fn", FunctionVersion.Latest, Token));
    }

    [Fact]
    public async Task TryReplacePermissionsAsync_StaleRevision_ChangesNothing()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "fn", revisionId: "r1"), Token);

        Assert.False(await Policies.TryReplacePermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, [Grant("a")], "old", "r2", Token));
        Assert.False(await Policies.TryReplacePermissionsAsync(ScopeA, "missing", FunctionVersion.Latest, [Grant("a")], "r1", "r2", Token));

        Assert.Empty(await Policies.GetPermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, Token));
        Assert.Equal("r1", (await Store.Functions.GetFunctionAsync(ScopeA, "fn", Token))?.Latest.RevisionId);
    }

    [Fact]
    public async Task TryReplacePermissionsAsync_VersionAndAlias_HaveTheirOwnPolicyAndRevision()
    {
        await PublishedAsync(1);
        Assert.True(await Store.Functions.TryCreateAliasAsync(ScopeA, Alias("live", "1"), Token));

        Assert.True(await Policies.TryReplacePermissionsAsync(ScopeA, "fn", "1", [Grant("v")], "v1", "v1b", Token));
        Assert.True(await Policies.TryReplacePermissionsAsync(ScopeA, "fn", "live", [Grant("l")], "live-1", "live-2", Token));
        Assert.False(await Policies.TryReplacePermissionsAsync(ScopeA, "fn", "live", [Grant("x")], "live-1", "live-3", Token));

        Assert.Equal("v1b", (await Store.Functions.GetVersionAsync(ScopeA, "fn", 1, Token))?.RevisionId);
        Assert.Equal("live-2", (await Store.Functions.GetAliasAsync(ScopeA, "fn", "live", Token))?.RevisionId);
        Assert.Equal([Grant("v")], await Policies.GetPermissionsAsync(ScopeA, "fn", "1", Token));
        Assert.Equal([Grant("l")], await Policies.GetPermissionsAsync(ScopeA, "fn", "live", Token));
        Assert.Empty(await Policies.GetPermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, Token));
    }

    [Fact]
    public async Task TryReplacePermissionsAsync_Empty_RemovesThePolicy()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "fn", revisionId: "r1"), Token);
        await Policies.TryReplacePermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, [Grant("a")], "r1", "r2", Token);

        Assert.True(await Policies.TryReplacePermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, [], "r2", "r3", Token));

        Assert.Empty(await Policies.GetPermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, Token));
    }

    [Fact]
    public async Task Policies_GoWithTheirFunctionVersionAndAlias()
    {
        await PublishedAsync(2);
        Assert.True(await Store.Functions.TryCreateAliasAsync(ScopeA, Alias("live", "1"), Token));
        var latest = (await Store.Functions.GetFunctionAsync(ScopeA, "fn", Token))!.Latest.RevisionId;
        await Policies.TryReplacePermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, [Grant("f")], latest, "f2", Token);
        await Policies.TryReplacePermissionsAsync(ScopeA, "fn", "2", [Grant("v")], "v2", "v2b", Token);
        await Policies.TryReplacePermissionsAsync(ScopeA, "fn", "live", [Grant("l")], "live-1", "live-2", Token);

        Assert.True(await Store.Functions.DeleteVersionAsync(ScopeA, "fn", 2, Token));
        Assert.True(await Store.Functions.DeleteAliasAsync(ScopeA, "fn", "live", Token));
        Assert.Empty(await Policies.GetPermissionsAsync(ScopeA, "fn", "2", Token));
        Assert.Empty(await Policies.GetPermissionsAsync(ScopeA, "fn", "live", Token));
        Assert.Equal([Grant("f")], await Policies.GetPermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, Token));

        Assert.True(await Store.Functions.DeleteFunctionAsync(ScopeA, "fn", Token));
        Assert.Empty(await Policies.GetPermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, Token));
    }

    [Fact]
    public async Task GetPermissionsAsync_AfterReopen_ReadsWhatWasCommitted()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "fn", revisionId: "r1"), Token);
        await Policies.TryReplacePermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, [Grant("a")], "r1", "r2", Token);

        var reopened = await OpenStoreAsync();

        Assert.Equal([Grant("a")], await reopened.Policies!.GetPermissionsAsync(ScopeA, "fn", FunctionVersion.Latest, Token));
    }
}
