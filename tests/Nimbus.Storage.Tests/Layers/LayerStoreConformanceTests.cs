// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using Nimbus.Core.Layers;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests.Layers;

/// <summary>
/// What every <see cref="ILayerStore"/> must do, beside the <see cref="IFunctionStore"/> whose functions it looks into.
/// Each provider subclasses it over fresh storage per test.
/// </summary>
public abstract class LayerStoreConformanceTests : IAsyncLifetime
{
    private (IStoreSchema Schema, IFunctionStore Functions, ILayerStore Layers)? _stores;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    private IFunctionStore Functions => _stores?.Functions ?? throw new InvalidOperationException("InitializeAsync has not run.");

    private ILayerStore Layers => _stores?.Layers ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async ValueTask InitializeAsync()
    {
        _stores = CreateStores();
        await _stores.Value.Schema.MigrateAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stores?.Schema is IDisposable disposable)
        {
            disposable.Dispose();
        }

        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task PublishLayerVersionAsync_NumbersPerLayerFromOne_RoundTripsEveryField()
    {
        var full = Version("l", "python3.12") with
        {
            Description = "Every field \"quoted\" ✓",
            CreatedDate = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero),
            CompatibleArchitectures = ["x86_64", "arm64"],
            LicenseInfo = "MIT",
            CodeSize = 10,
            UnzippedCodeSize = 20,
            Permissions = [new LayerStatement("s", "lambda:GetLayerVersion", "*", "o-abcdefghij")],
            PolicyRevisionId = "rev",
        };

        var first = await Layers.PublishLayerVersionAsync(full, Token);
        var second = await Layers.PublishLayerVersionAsync(Version("l"), Token);
        var other = await Layers.PublishLayerVersionAsync(Version("other"), Token);
        var otherScope = await Layers.PublishLayerVersionAsync(Version("l") with { Scope = ScopeB }, Token);
        var stored = await Layers.GetLayerVersionAsync(ScopeA, "l", 1, Token);

        Assert.Equal([1L, 2L, 1L, 1L], [first.Version, second.Version, other.Version, otherScope.Version]);
        Assert.NotNull(stored);
        Assert.Equal(full.CompatibleRuntimes, stored.CompatibleRuntimes);
        Assert.Equal(full.CompatibleArchitectures, stored.CompatibleArchitectures);
        Assert.Equal(full.Permissions, stored.Permissions);
        Assert.Equal(
            full with { Version = 1 },
            stored with { CompatibleRuntimes = full.CompatibleRuntimes, CompatibleArchitectures = full.CompatibleArchitectures, Permissions = full.Permissions });
    }

    [Fact]
    public async Task PublishLayerVersionAsync_AfterDeletingTheLatest_NeverReusesItsNumber()
    {
        await Layers.PublishLayerVersionAsync(Version("l"), Token);
        await Layers.PublishLayerVersionAsync(Version("l"), Token);
        Assert.True(await Layers.DeleteLayerVersionAsync(ScopeA, "l", 2, Token));
        await Layers.PurgeDeletedLayerVersionsAsync(Token);

        var next = await Layers.PublishLayerVersionAsync(Version("l"), Token);

        Assert.Equal(3, next.Version);
    }

    [Fact]
    public async Task DeleteLayerVersionAsync_HidesIt_SecondDeleteReturnsFalse()
    {
        await Layers.PublishLayerVersionAsync(Version("l"), Token);

        Assert.True(await Layers.DeleteLayerVersionAsync(ScopeA, "l", 1, Token));
        Assert.False(await Layers.DeleteLayerVersionAsync(ScopeA, "l", 1, Token));
        Assert.False(await Layers.DeleteLayerVersionAsync(ScopeA, "l", 9, Token));
        Assert.Null(await Layers.GetLayerVersionAsync(ScopeA, "l", 1, Token));
        Assert.Empty(await Layers.ListLayerVersionsAsync(ScopeA, "l", LayerFilter.None, null, 10, Token));
        Assert.Empty(await Layers.ListLatestLayerVersionsAsync(ScopeA, LayerFilter.None, null, 10, Token));
    }

    [Fact]
    public async Task ListLayerVersionsAsync_NewestFirst_FilteredAndPagedByVersion()
    {
        await Layers.PublishLayerVersionAsync(Version("l", "python3.12"), Token);
        await Layers.PublishLayerVersionAsync(Version("l", "nodejs20.x") with { CompatibleArchitectures = ["arm64"] }, Token);
        await Layers.PublishLayerVersionAsync(Version("l", "python3.12", "nodejs20.x"), Token);
        await Layers.PublishLayerVersionAsync(Version("m", "python3.12"), Token);

        Assert.Equal(new long[] { 3L, 2L, 1L }, await VersionsAsync(LayerFilter.None, null, 10));
        Assert.Equal(new long[] { 3L, 1L }, await VersionsAsync(new LayerFilter("python3.12", null), null, 10));
        Assert.Equal(new long[] { 2L }, await VersionsAsync(new LayerFilter("nodejs20.x", "arm64"), null, 10));
        Assert.Equal(new long[] { 2L, 1L }, await VersionsAsync(LayerFilter.None, 3, 10));
        Assert.Equal(new long[] { 3L }, await VersionsAsync(LayerFilter.None, null, 1));
    }

    [Fact]
    public async Task ListLatestLayerVersionsAsync_NewestMatchingPerLayer_InNameOrder()
    {
        await Layers.PublishLayerVersionAsync(Version("b", "python3.12"), Token);
        await Layers.PublishLayerVersionAsync(Version("b", "nodejs20.x"), Token);
        await Layers.PublishLayerVersionAsync(Version("a", "nodejs20.x"), Token);
        await Layers.PublishLayerVersionAsync(Version("c"), Token);
        await Layers.PublishLayerVersionAsync(Version("z") with { Scope = ScopeB }, Token);

        Assert.Equal(new[] { "a:1", "b:2", "c:1" }, await LatestAsync(LayerFilter.None, null, 10));
        Assert.Equal(new[] { "b:1" }, await LatestAsync(new LayerFilter("python3.12", null), null, 10));
        Assert.Equal(new[] { "b:2", "c:1" }, await LatestAsync(LayerFilter.None, "a", 10));
        Assert.Equal(new[] { "a:1" }, await LatestAsync(LayerFilter.None, null, 1));
    }

    [Fact]
    public async Task TryUpdateLayerPolicyAsync_ComparesRevision()
    {
        var layer = await Layers.PublishLayerVersionAsync(Version("l"), Token);
        var first = layer with { Permissions = [new LayerStatement("a", "lambda:GetLayerVersion", "*", null)], PolicyRevisionId = "r1" };

        Assert.True(await Layers.TryUpdateLayerPolicyAsync(first, null, Token));
        Assert.False(await Layers.TryUpdateLayerPolicyAsync(first with { PolicyRevisionId = "r2" }, null, Token));
        Assert.True(await Layers.TryUpdateLayerPolicyAsync(first with { Permissions = [], PolicyRevisionId = "r2" }, "r1", Token));
        var stored = await Layers.GetLayerVersionAsync(ScopeA, "l", 1, Token);

        Assert.NotNull(stored);
        Assert.Equal("r2", stored.PolicyRevisionId);
        Assert.Empty(stored.Permissions);
    }

    [Fact]
    public async Task PurgeDeletedLayerVersionsAsync_KeepsVersionsAFunctionUses()
    {
        var used = await Layers.PublishLayerVersionAsync(Version("used") with { CodeSha256 = CodeSha256 }, Token);
        var unused = await Layers.PublishLayerVersionAsync(Version("unused") with { CodeSha256 = OtherCodeSha256 }, Token);
        var function = Create(ScopeA, "fn", codeSha256: "function-code");
        await Functions.TryCreateFunctionAsync(
            function with { Latest = function.Latest with { Layers = [new LayerReference(used.LayerVersionArn, 1, used.CodeSha256, 1)] } },
            Token);
        await Layers.DeleteLayerVersionAsync(ScopeA, "used", 1, Token);
        await Layers.DeleteLayerVersionAsync(ScopeA, "unused", 1, Token);

        Assert.Equal([unused.CodeSha256], await Layers.PurgeDeletedLayerVersionsAsync(Token));
        Assert.True(await Layers.IsLayerCodeReferencedAsync(CodeSha256, Token));
        Assert.False(await Layers.IsLayerCodeReferencedAsync(OtherCodeSha256, Token));

        await Functions.DeleteFunctionAsync(ScopeA, "fn", Token);
        Assert.Equal([used.CodeSha256], await Layers.PurgeDeletedLayerVersionsAsync(Token));
        Assert.False(await Layers.IsLayerCodeReferencedAsync(CodeSha256, Token));
        Assert.Empty(await Layers.PurgeDeletedLayerVersionsAsync(Token));
    }

    /// <summary>A new function store and layer store over this test's storage, not yet migrated.</summary>
    protected abstract (IStoreSchema Schema, IFunctionStore Functions, ILayerStore Layers) CreateStores();

    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    private static LayerVersion Version(string name, params string[] runtimes) => new()
    {
        Scope = ScopeA,
        LayerName = name,
        CodeSha256 = CodeSha256,
        CompatibleRuntimes = runtimes,
    };

    private async Task<long[]> VersionsAsync(LayerFilter filter, long? before, int limit) =>
        [.. (await Layers.ListLayerVersionsAsync(ScopeA, "l", filter, before, limit, Token)).Select(v => v.Version)];

    private async Task<string[]> LatestAsync(LayerFilter filter, string? after, int limit) =>
        [.. (await Layers.ListLatestLayerVersionsAsync(ScopeA, filter, after, limit, Token)).Select(v => $"{v.LayerName}:{v.Version}")];
}
