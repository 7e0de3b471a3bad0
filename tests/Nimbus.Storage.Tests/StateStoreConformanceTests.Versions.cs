// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests;

public abstract partial class StateStoreConformanceTests
{
    private static FunctionVersion Published(FunctionRecord function, int number) =>
        function.Latest with { Version = number.ToString(System.Globalization.CultureInfo.InvariantCulture), RevisionId = $"v{number}" };

    private static FunctionAlias Alias(string name, string version, string? additional = null) => new()
    {
        Name = name,
        FunctionName = "fn",
        FunctionVersion = version,
        AdditionalVersionWeights = additional is null ? null : new Dictionary<string, double> { [additional] = 0.5 },
        RevisionId = $"{name}-{version}",
    };

    private async Task<FunctionRecord> PublishedAsync(int versions)
    {
        var function = Create(ScopeA, "fn");
        await Store.Functions.TryCreateFunctionAsync(function, Token);
        var revision = function.Latest.RevisionId;
        for (var i = 1; i <= versions; i++)
        {
            var latest = function.Latest with { RevisionId = $"latest-{i}" };
            Assert.True(await Store.Functions.TryPublishVersionAsync(ScopeA, latest, Published(function, i), i - 1, revision, Token));
            revision = latest.RevisionId;
        }

        return (await Store.Functions.GetFunctionAsync(ScopeA, "fn", Token))!;
    }

    [Fact]
    public async Task TryPublishVersionAsync_Published_CountsAndMovesLatestRevision()
    {
        var function = await PublishedAsync(2);

        Assert.Equal(2, function.LastPublishedVersion);
        Assert.Equal("latest-2", function.Latest.RevisionId);
        Assert.Equal("v2", (await Store.Functions.GetVersionAsync(ScopeA, "fn", 2, Token))?.RevisionId);
        Assert.Equal(["1", "2"], (await Store.Functions.ListVersionsAsync(ScopeA, "fn", 0, 10, Token)).Select(v => v.Version));
        Assert.Equal(["2"], (await Store.Functions.ListVersionsAsync(ScopeA, "fn", 1, 10, Token)).Select(v => v.Version));
    }

    [Fact]
    public async Task TryPublishVersionAsync_StaleCounterOrRevision_False()
    {
        var function = await PublishedAsync(1);

        Assert.False(await Store.Functions.TryPublishVersionAsync(ScopeA, function.Latest, Published(function, 2), 0, function.Latest.RevisionId, Token));
        Assert.False(await Store.Functions.TryPublishVersionAsync(ScopeA, function.Latest, Published(function, 2), 1, "stale", Token));
        Assert.Null(await Store.Functions.GetVersionAsync(ScopeA, "fn", 2, Token));
    }

    [Fact]
    public async Task TryUpdateFunctionAsync_AfterPublish_KeepsVersionCounter()
    {
        var function = await PublishedAsync(3);

        Assert.True(await Store.Functions.TryUpdateFunctionAsync(function with { LastPublishedVersion = 0, Latest = function.Latest with { RevisionId = "next" } }, function.Latest.RevisionId, Token));

        Assert.Equal(3, (await Store.Functions.GetFunctionAsync(ScopeA, "fn", Token))?.LastPublishedVersion);
    }

    [Fact]
    public async Task DeleteVersionAsync_AliasUsesIt_FalseUntilAliasMoves()
    {
        await PublishedAsync(2);
        Assert.True(await Store.Functions.TryCreateAliasAsync(ScopeA, Alias("live", "1", additional: "2"), Token));

        Assert.False(await Store.Functions.DeleteVersionAsync(ScopeA, "fn", 2, Token));
        Assert.True(await Store.Functions.TryUpdateAliasAsync(ScopeA, Alias("live", "1") with { RevisionId = "moved" }, "live-1", Token));
        Assert.True(await Store.Functions.DeleteVersionAsync(ScopeA, "fn", 2, Token));
        Assert.False(await Store.Functions.DeleteVersionAsync(ScopeA, "fn", 1, Token));
    }

    [Fact]
    public async Task Aliases_CreateGetListUpdateDelete_RoundTrip()
    {
        await PublishedAsync(2);
        var live = Alias("live", "1", additional: "2") with { Description = "canary" };

        Assert.True(await Store.Functions.TryCreateAliasAsync(ScopeA, live, Token));
        Assert.False(await Store.Functions.TryCreateAliasAsync(ScopeA, live, Token));
        Assert.True(await Store.Functions.TryCreateAliasAsync(ScopeA, Alias("beta", "2"), Token));
        var stored = await Store.Functions.GetAliasAsync(ScopeA, "fn", "live", Token);

        Assert.Equal(live with { AdditionalVersionWeights = null }, stored! with { AdditionalVersionWeights = null });
        Assert.Equal(0.5, stored.AdditionalVersionWeights?["2"]);
        Assert.Equal(["beta", "live"], (await Store.Functions.ListAliasesAsync(ScopeA, "fn", Token)).Select(a => a.Name));
        Assert.False(await Store.Functions.TryUpdateAliasAsync(ScopeA, live with { RevisionId = "x" }, "stale", Token));
        Assert.True(await Store.Functions.DeleteAliasAsync(ScopeA, "fn", "live", Token));
        Assert.False(await Store.Functions.DeleteAliasAsync(ScopeA, "fn", "live", Token));
        Assert.Null(await Store.Functions.GetAliasAsync(ScopeA, "fn", "live", Token));
    }

    [Fact]
    public async Task TryCreateAliasAsync_NoFunction_False()
    {
        Assert.False(await Store.Functions.TryCreateAliasAsync(ScopeA, Alias("live", "1"), Token));
    }

    [Fact]
    public async Task DeleteFunctionAsync_WithVersionsAndAliases_RemovesAll()
    {
        var function = await PublishedAsync(1);
        await Store.Functions.TryCreateAliasAsync(ScopeA, Alias("live", "1"), Token);

        Assert.True(await Store.Functions.DeleteFunctionAsync(ScopeA, "fn", Token));

        Assert.Empty(await Store.Functions.ListVersionsAsync(ScopeA, "fn", 0, 10, Token));
        Assert.Empty(await Store.Functions.ListAliasesAsync(ScopeA, "fn", Token));
        Assert.False(await Store.Functions.IsCodeReferencedAsync(function.Latest.CodeSha256, Token));
    }
}
