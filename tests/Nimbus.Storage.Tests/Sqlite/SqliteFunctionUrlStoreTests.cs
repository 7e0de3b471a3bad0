// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using Nimbus.Core.FunctionUrls;
using Nimbus.Storage.Sqlite;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests.Sqlite;

/// <summary>Function URL configs in SQLite: one per qualifier, found by URL id, gone with their function or alias.</summary>
public sealed class SqliteFunctionUrlStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Created = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!; // Set in InitializeAsync.
    private SqliteFunctionStore _functions = null!; // Set in InitializeAsync.
    private SqliteFunctionUrlStore _urls = null!; // Set in InitializeAsync.

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = SqliteStores.OpenDatabase(_directory.Path);
        await _database.MigrateAsync(Token);
        _functions = new SqliteFunctionStore(_database);
        _urls = new SqliteFunctionUrlStore(_database);
        Assert.True(await _functions.TryCreateFunctionAsync(Create(ScopeA, "fn"), Token));
        Assert.True(await _functions.TryCreateAliasAsync(
            ScopeA, new FunctionAlias { Name = "live", FunctionName = "fn", FunctionVersion = "$LATEST", RevisionId = "r1" }, Token));
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static FunctionUrlConfig Config(string qualifier, string authType = FunctionUrlConfig.AuthNone) => new()
    {
        FunctionName = "fn",
        Qualifier = qualifier,
        UrlId = FunctionUrlIds.For(ScopeA.Account, ScopeA.Region, "fn", qualifier),
        AuthType = authType,
        Cors = new FunctionUrlCors { AllowOrigins = ["https://example.com"], MaxAge = 60 },
        CreationTime = Created,
        LastModifiedTime = Created,
    };

    [Fact]
    public async Task TryCreateFunctionUrlAsync_New_IsFoundByQualifierAndUrlId()
    {
        Assert.True(await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("$LATEST"), Token));

        var byQualifier = await _urls.GetFunctionUrlAsync(ScopeA, "fn", "$LATEST", Token);
        var byId = await _urls.FindByUrlIdAsync(Config("$LATEST").UrlId, Token);

        Assert.NotNull(byQualifier);
        Assert.Equal(Config("$LATEST") with { Cors = null }, byQualifier with { Cors = null });
        Assert.Equal(["https://example.com"], byQualifier.Cors!.AllowOrigins);
        Assert.Equal(60, byQualifier.Cors.MaxAge);
        Assert.NotNull(byId);
        Assert.Equal(ScopeA, byId.Value.Scope);
        Assert.Equal("$LATEST", byId.Value.Config.Qualifier);
    }

    [Fact]
    public async Task TryCreateFunctionUrlAsync_QualifierHasOne_ReturnsFalseAndKeepsTheFirst()
    {
        Assert.True(await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("live"), Token));

        Assert.False(await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("live", FunctionUrlConfig.AuthIam), Token));
        Assert.Equal(FunctionUrlConfig.AuthNone, (await _urls.GetFunctionUrlAsync(ScopeA, "fn", "live", Token))?.AuthType);
    }

    [Fact]
    public async Task TryCreateFunctionUrlAsync_MissingAliasOrFunction_ReturnsFalse()
    {
        Assert.False(await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("nope"), Token));
        Assert.False(await _urls.TryCreateFunctionUrlAsync(ScopeB, Config("$LATEST"), Token));
    }

    [Fact]
    public async Task DeleteAliasAsync_AliasWithUrl_DeletesItsUrlOnly()
    {
        await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("$LATEST"), Token);
        await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("live"), Token);

        Assert.True(await _functions.DeleteAliasAsync(ScopeA, "fn", "live", Token));

        Assert.Null(await _urls.GetFunctionUrlAsync(ScopeA, "fn", "live", Token));
        Assert.Null(await _urls.FindByUrlIdAsync(Config("live").UrlId, Token));
        Assert.NotNull(await _urls.GetFunctionUrlAsync(ScopeA, "fn", "$LATEST", Token));
    }

    [Fact]
    public async Task DeleteFunctionAsync_FunctionWithUrls_DeletesThem()
    {
        await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("$LATEST"), Token);
        await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("live"), Token);

        Assert.True(await _functions.DeleteFunctionAsync(ScopeA, "fn", Token));
        Assert.True(await _functions.TryCreateFunctionAsync(Create(ScopeA, "fn"), Token));

        Assert.Empty(await _urls.ListFunctionUrlsAsync(ScopeA, "fn", null, 50, Token));
        Assert.Null(await _urls.FindByUrlIdAsync(Config("$LATEST").UrlId, Token));
    }

    [Fact]
    public async Task ListFunctionUrlsAsync_Marker_PagesByQualifier()
    {
        await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("$LATEST"), Token);
        await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("live"), Token);

        var first = await _urls.ListFunctionUrlsAsync(ScopeA, "fn", null, 1, Token);
        var second = await _urls.ListFunctionUrlsAsync(ScopeA, "fn", first[0].Qualifier, 1, Token);

        Assert.Equal("$LATEST", Assert.Single(first).Qualifier);
        Assert.Equal("live", Assert.Single(second).Qualifier);
    }

    [Fact]
    public async Task UpdateFunctionUrlAsync_Existing_ReplacesTheConfig()
    {
        await _urls.TryCreateFunctionUrlAsync(ScopeA, Config("$LATEST"), Token);

        Assert.True(await _urls.UpdateFunctionUrlAsync(ScopeA, Config("$LATEST", FunctionUrlConfig.AuthIam) with { InvokeMode = FunctionUrlConfig.ResponseStream }, Token));
        Assert.False(await _urls.UpdateFunctionUrlAsync(ScopeA, Config("live"), Token));

        var stored = await _urls.GetFunctionUrlAsync(ScopeA, "fn", "$LATEST", Token);
        Assert.Equal(FunctionUrlConfig.AuthIam, stored?.AuthType);
        Assert.Equal(FunctionUrlConfig.ResponseStream, stored?.InvokeMode);
    }
}
