// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests;

/// <summary>
/// What every provider's state stores (<see cref="StoreSet"/>) must do. Each provider subclasses it with a factory over fresh storage
/// per test; <see cref="CreateStore"/> may be called again to reopen the same storage.
/// </summary>
public abstract partial class StateStoreConformanceTests : IAsyncLifetime
{
    private readonly List<StoreSet> _stores = [];
    private StoreSet? _store;

    /// <summary>The store opened (and migrated) for the test.</summary>
    protected StoreSet Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _store = await OpenStoreAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await CloseAsync(store);
        }

        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task GetFunctionAsync_AfterCreate_RoundTripsEveryField()
    {
        var function = Full(ScopeA, "full");

        Assert.True(await Store.Functions.TryCreateFunctionAsync(function, Token));
        var stored = await Store.Functions.GetFunctionAsync(ScopeA, "full", Token);

        AssertSameFunction(function, stored);
    }

    [Fact]
    public async Task GetFunctionAsync_DefaultsAndNulls_RoundTrip()
    {
        var function = Create(ScopeA, "minimal", state: FunctionStates.Pending, lastUpdateStatus: null);

        await Store.Functions.TryCreateFunctionAsync(function, Token);
        var stored = await Store.Functions.GetFunctionAsync(ScopeA, "minimal", Token);

        AssertSameFunction(function, stored);
        Assert.Null(stored.Latest.Environment);
        Assert.Null(stored.Latest.LastUpdateStatus);
        Assert.Empty(stored.Tags);
    }

    [Fact]
    public async Task GetFunctionAsync_Unknown_ReturnsNull()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "known"), Token);

        Assert.Null(await Store.Functions.GetFunctionAsync(ScopeA, "unknown", Token));
        Assert.Null(await Store.Functions.GetFunctionAsync(ScopeB, "known", Token));
        Assert.Null(await Store.Functions.GetFunctionAsync(ScopeA, "KNOWN", Token));
    }

    [Fact]
    public async Task TryCreateFunctionAsync_NameTaken_ReturnsFalseAndKeepsFirst()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "dup", revisionId: "first"), Token);

        var created = await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "dup", revisionId: "second", codeSize: 999), Token);

        Assert.False(created);
        var stored = await Store.Functions.GetFunctionAsync(ScopeA, "dup", Token);
        Assert.NotNull(stored);
        Assert.Equal("first", stored.Latest.RevisionId);
        Assert.Equal(100, stored.Latest.CodeSize);
    }

    [Fact]
    public async Task TryCreateFunctionAsync_SameNameInOtherScope_Succeeds()
    {
        Assert.True(await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "shared", revisionId: "a"), Token));

        Assert.True(await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "shared", revisionId: "b"), Token));
        Assert.Equal("a", (await Store.Functions.GetFunctionAsync(ScopeA, "shared", Token))?.Latest.RevisionId);
        Assert.Equal("b", (await Store.Functions.GetFunctionAsync(ScopeB, "shared", Token))?.Latest.RevisionId);
    }

    [Fact]
    public async Task TryUpdateFunctionAsync_CurrentRevision_ReplacesFunction()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f", revisionId: "rev-1"), Token);
        var update = Full(ScopeA, "f") with { Tags = new Dictionary<string, string> { ["new"] = "tag" } };

        var updated = await Store.Functions.TryUpdateFunctionAsync(update, "rev-1", Token);

        Assert.True(updated);
        AssertSameFunction(update, await Store.Functions.GetFunctionAsync(ScopeA, "f", Token));
    }

    [Fact]
    public async Task TryUpdateFunctionAsync_StaleRevision_ReturnsFalseAndKeepsStored()
    {
        var original = Create(ScopeA, "f", revisionId: "rev-1");
        await Store.Functions.TryCreateFunctionAsync(original, Token);
        Assert.True(await Store.Functions.TryUpdateFunctionAsync(WithRevision(original, "rev-2"), "rev-1", Token));

        var updated = await Store.Functions.TryUpdateFunctionAsync(Create(ScopeA, "f", revisionId: "rev-3", codeSize: 7), "rev-1", Token);

        Assert.False(updated);
        var stored = await Store.Functions.GetFunctionAsync(ScopeA, "f", Token);
        Assert.NotNull(stored);
        Assert.Equal("rev-2", stored.Latest.RevisionId);
        Assert.Equal(100, stored.Latest.CodeSize);
    }

    [Fact]
    public async Task TryUpdateFunctionAsync_Missing_ReturnsFalseAndCreatesNothing()
    {
        var updated = await Store.Functions.TryUpdateFunctionAsync(Create(ScopeA, "ghost", revisionId: "rev-2"), "rev-1", Token);

        Assert.False(updated);
        Assert.Null(await Store.Functions.GetFunctionAsync(ScopeA, "ghost", Token));
    }

    [Fact]
    public async Task TryUpdateFunctionAsync_SameNameInOtherScope_LeavesItAlone()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f", revisionId: "rev-1"), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "f", revisionId: "rev-1"), Token);

        Assert.True(await Store.Functions.TryUpdateFunctionAsync(Create(ScopeA, "f", revisionId: "rev-2"), "rev-1", Token));

        Assert.Equal("rev-1", (await Store.Functions.GetFunctionAsync(ScopeB, "f", Token))?.Latest.RevisionId);
    }

    [Fact]
    public async Task TryUpdateFunctionAsync_ConcurrentWithSameRevision_ExactlyOneSucceeds()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "race", revisionId: "rev-0"), Token);

        var attempts = Enumerable.Range(1, 16)
            .Select(i => Task.Run(() => Store.Functions.TryUpdateFunctionAsync(Create(ScopeA, "race", revisionId: $"rev-{i}"), "rev-0", Token), Token))
            .ToArray();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(Enumerable.Range(1, 16), i => results[i - 1]);
        Assert.Equal($"rev-{winner}", (await Store.Functions.GetFunctionAsync(ScopeA, "race", Token))?.Latest.RevisionId);
    }

    [Fact]
    public async Task DeleteFunctionAsync_Existing_RemovesOnlyThatFunction()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "gone"), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "kept"), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "gone"), Token);

        var deleted = await Store.Functions.DeleteFunctionAsync(ScopeA, "gone", Token);

        Assert.True(deleted);
        Assert.Null(await Store.Functions.GetFunctionAsync(ScopeA, "gone", Token));
        Assert.NotNull(await Store.Functions.GetFunctionAsync(ScopeA, "kept", Token));
        Assert.NotNull(await Store.Functions.GetFunctionAsync(ScopeB, "gone", Token));
        Assert.False(await Store.Functions.DeleteFunctionAsync(ScopeA, "gone", Token));
    }

    [Fact]
    public async Task DeleteFunctionAsync_ThenCreate_StartsFresh()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "again", revisionId: "old"), Token);
        await Store.Functions.DeleteFunctionAsync(ScopeA, "again", Token);

        Assert.True(await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "again", revisionId: "new"), Token));
        Assert.False(await Store.Functions.TryUpdateFunctionAsync(Create(ScopeA, "again", revisionId: "x"), "old", Token));
    }

    [Fact]
    public async Task ListFunctionsAsync_Paging_ReturnsNameOrderAfterMarker()
    {
        foreach (var name in new[] { "delta", "Bravo", "alpha", "echo", "charlie", "alpha-2" })
        {
            await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, name), Token);
        }

        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "beta-other-scope"), Token);

        var page1 = await Store.Functions.ListFunctionsAsync(ScopeA, afterName: null, limit: 2, Token);
        var page2 = await Store.Functions.ListFunctionsAsync(ScopeA, page1[^1].Name, limit: 2, Token);
        var page3 = await Store.Functions.ListFunctionsAsync(ScopeA, page2[^1].Name, limit: 2, Token);
        var page4 = await Store.Functions.ListFunctionsAsync(ScopeA, page3[^1].Name, limit: 2, Token);

        // Ordinal order: upper case sorts before lower case.
        Assert.Equal(["Bravo", "alpha"], page1.Select(f => f.Name));
        Assert.Equal(["alpha-2", "charlie"], page2.Select(f => f.Name));
        Assert.Equal(["delta", "echo"], page3.Select(f => f.Name));
        Assert.Empty(page4);
        Assert.All(page1.Concat(page2).Concat(page3), f => Assert.Equal(ScopeA, f.Scope));
    }

    [Fact]
    public async Task ListFunctionsAsync_MarkerNotStored_StartsAfterItsPosition()
    {
        foreach (var name in new[] { "a", "c", "e" })
        {
            await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, name), Token);
        }

        var page = await Store.Functions.ListFunctionsAsync(ScopeA, "b", limit: 50, Token);

        Assert.Equal(["c", "e"], page.Select(f => f.Name));
    }

    [Fact]
    public async Task ListFunctionsAsync_EmptyScope_ReturnsEmpty()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "a"), Token);

        Assert.Empty(await Store.Functions.ListFunctionsAsync(ScopeB, afterName: null, limit: 50, Token));
    }

    [Fact]
    public async Task ListSettlingFunctionsAsync_MixedStates_ReturnsPendingOrInProgressOfEveryScope()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "pending", state: FunctionStates.Pending, lastUpdateStatus: null), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "updating", state: FunctionStates.Active, lastUpdateStatus: FunctionStates.InProgress), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "active", state: FunctionStates.Active, lastUpdateStatus: FunctionStates.Successful), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "idle", state: FunctionStates.Active, lastUpdateStatus: null), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "failed", state: FunctionStates.Failed, lastUpdateStatus: FunctionStates.Failed), Token);

        var settling = await Store.Functions.ListSettlingFunctionsAsync(Token);

        Assert.Equal(
            [(ScopeA, "pending"), (ScopeB, "updating")],
            settling.Select(f => (f.Scope, f.Name)).OrderBy(f => f.Name, StringComparer.Ordinal));
        Assert.All(settling, f => Assert.True(f.Latest.IsSettling));
    }

    [Fact]
    public async Task ListSettlingFunctionsAsync_AfterSettlingUpdate_DropsFunction()
    {
        var pending = Create(ScopeA, "f", revisionId: "rev-1", state: FunctionStates.Pending, lastUpdateStatus: null);
        await Store.Functions.TryCreateFunctionAsync(pending, Token);
        var active = Create(ScopeA, "f", revisionId: "rev-2", state: FunctionStates.Active, lastUpdateStatus: FunctionStates.Successful);

        await Store.Functions.TryUpdateFunctionAsync(active, "rev-1", Token);

        Assert.Empty(await Store.Functions.ListSettlingFunctionsAsync(Token));
    }

    [Fact]
    public async Task GetUsageAsync_SeveralScopes_CountsAndSumsOnlyTheScope()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "one", codeSize: 100), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "two", codeSize: 250), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "three", codeSize: 1000), Token);

        Assert.Equal((2L, 350L), await Store.Functions.GetUsageAsync(ScopeA, Token));
        Assert.Equal((1L, 1000L), await Store.Functions.GetUsageAsync(ScopeB, Token));
        Assert.Equal((0L, 0L), await Store.Functions.GetUsageAsync(new("333333333333", "us-east-1"), Token));
    }

    [Fact]
    public async Task GetUsageAsync_AfterUpdateAndDelete_ReflectsThem()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "one", revisionId: "rev-1", codeSize: 100), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "two", codeSize: 250), Token);

        await Store.Functions.TryUpdateFunctionAsync(Create(ScopeA, "one", revisionId: "rev-2", codeSize: 5000), "rev-1", Token);
        await Store.Functions.DeleteFunctionAsync(ScopeA, "two", Token);

        Assert.Equal((1L, 5000L), await Store.Functions.GetUsageAsync(ScopeA, Token));
    }

    [Fact]
    public async Task IsCodeReferencedAsync_UsedHash_ReturnsTrueUntilNoFunctionUsesIt()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "one", revisionId: "rev-1", codeSha256: CodeSha256), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "two", codeSha256: CodeSha256), Token);
        Assert.True(await Store.Functions.IsCodeReferencedAsync(CodeSha256, Token));
        Assert.False(await Store.Functions.IsCodeReferencedAsync(OtherCodeSha256, Token));

        await Store.Functions.TryUpdateFunctionAsync(Create(ScopeA, "one", revisionId: "rev-2", codeSha256: OtherCodeSha256), "rev-1", Token);
        Assert.True(await Store.Functions.IsCodeReferencedAsync(CodeSha256, Token));
        Assert.True(await Store.Functions.IsCodeReferencedAsync(OtherCodeSha256, Token));

        await Store.Functions.DeleteFunctionAsync(ScopeB, "two", Token);
        Assert.False(await Store.Functions.IsCodeReferencedAsync(CodeSha256, Token));
    }

    [Fact]
    public async Task IsCodeReferencedAsync_HashDifferingOnlyInCase_ReturnsFalse()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "one", codeSha256: CodeSha256), Token);

        // Base64 is case-sensitive: another casing is another hash.
        Assert.False(await Store.Functions.IsCodeReferencedAsync(CodeSha256.ToUpperInvariant(), Token));
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsCommittedData()
    {
        var function = Full(ScopeA, "durable");
        await Store.Functions.TryCreateFunctionAsync(function, Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "deleted"), Token);
        await Store.Functions.DeleteFunctionAsync(ScopeA, "deleted", Token);
        await CloseAsync(Store);

        var reopened = await OpenStoreAsync();

        AssertSameFunction(function, await reopened.Functions.GetFunctionAsync(ScopeA, "durable", Token));
        Assert.Null(await reopened.Functions.GetFunctionAsync(ScopeA, "deleted", Token));
        Assert.Equal((1L, 4096L), await reopened.Functions.GetUsageAsync(ScopeA, Token));
    }

    [Fact]
    public async Task MigrateAsync_Again_KeepsDataAndStoreUsable()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "before"), Token);

        await Store.Schema.MigrateAsync(Token);
        await Store.Schema.MigrateAsync(Token);

        Assert.NotNull(await Store.Functions.GetFunctionAsync(ScopeA, "before", Token));
        Assert.True(await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "after"), Token));
        Assert.Equal(2, (await Store.Functions.ListFunctionsAsync(ScopeA, afterName: null, limit: 10, Token)).Count);
    }

    /// <summary>Opens a new store over this test's storage (a reopen when one was opened before) and migrates it.</summary>
    protected async Task<StoreSet> OpenStoreAsync()
    {
        var store = CreateStore();
        _stores.Add(store);
        await store.Schema.MigrateAsync(Token);
        return store;
    }

    protected static ValueTask CloseAsync(StoreSet store)
    {
        store.Owner?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A new store over this test's storage.</summary>
    protected abstract StoreSet CreateStore();

    /// <summary>Removes this test's storage, after every store is closed.</summary>
    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    private static void AssertSameFunction(FunctionRecord expected, [System.Diagnostics.CodeAnalysis.NotNull] FunctionRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Scope, actual.Scope);
        Assert.Equal(expected.Arn, actual.Arn);
        Assert.Equal(expected.Tags, actual.Tags);

        var e = expected.Latest;
        var a = actual.Latest;
        Assert.Equal(e.Architectures, a.Architectures);
        Assert.Equal(e.Environment, a.Environment);
        Assert.Equal(e.Layers, a.Layers);
        Assert.Equal(e.Logging, a.Logging);
        Assert.Equal(e.LastModified, a.LastModified);
        Assert.Equal(e.LastModified.Offset, a.LastModified.Offset);

        // Every scalar field (records compare by value once the collections are the same instances).
        Assert.Equal(
            e,
            a with { Architectures = e.Architectures, Environment = e.Environment, Layers = e.Layers });
    }
}
