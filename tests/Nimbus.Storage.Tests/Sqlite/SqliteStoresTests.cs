// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Nimbus.Core.Functions;
using Nimbus.Storage.Sqlite;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests.Sqlite;

public sealed class SqliteStoresTests : QueueAndLogConformanceTests
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => Path.Combine(_directory.Path, SqliteDatabase.DatabaseFileName);

    [Fact]
    public async Task MigrateAsync_Fresh_CreatesDatabaseInDataDirectoryInWalMode()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f"), Token);

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", await QueryScalarAsync<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task MigrateAsync_Repeated_RecordsEachVersionOnce()
    {
        await Store.Schema.MigrateAsync(Token);
        await CloseAsync(Store);
        await OpenStoreAsync();

        Assert.Equal(SqliteMigrations.Scripts.Count, await QueryScalarAsync<long>("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(SqliteMigrations.Scripts.Count, await QueryScalarAsync<long>("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task MigrateAsync_DatabaseFromNewerNimbus_Throws()
    {
        await CloseAsync(Store);
        await ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (999, 'future')");
        var store = CreateStore();

        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.Schema.MigrateAsync(Token));
            Assert.Contains("999", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await CloseAsync(store);
        }
    }

    [Fact]
    public async Task TryCreateFunctionAsync_Function_StoresQueriedColumnsAndNoDerivedJson()
    {
        await Store.Functions.TryCreateFunctionAsync(
            Create(ScopeA, "f", revisionId: "rev-9", codeSize: 321, state: FunctionStates.Pending, lastUpdateStatus: FunctionStates.InProgress),
            Token);

        Assert.Equal(
            "rev-9|" + CodeSha256 + "|321|Pending|InProgress",
            await QueryScalarAsync<string>("SELECT revision_id || '|' || code_sha256 || '|' || code_size || '|' || state || '|' || last_update_status FROM functions"));
        var config = await QueryScalarAsync<string>("SELECT config FROM functions");
        Assert.DoesNotContain(nameof(FunctionVersion.IsSettling), config, StringComparison.Ordinal);
        Assert.Equal("rev-9", await QueryScalarAsync<string>("SELECT json_extract(config, '$.RevisionId') FROM functions"));
    }

    [Fact]
    public async Task DeleteFunctionAsync_WithPublishedVersions_DeletesThemToo()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f", codeSha256: CodeSha256), Token);
        await InsertVersionAsync(ScopeA.Account, ScopeA.Region, "f", "1", OtherCodeSha256, 300);

        Assert.True(await Store.Functions.DeleteFunctionAsync(ScopeA, "f", Token));

        Assert.Equal(0, await QueryScalarAsync<long>("SELECT COUNT(*) FROM function_versions"));
        Assert.False(await Store.Functions.IsCodeReferencedAsync(OtherCodeSha256, Token));
    }

    [Fact]
    public async Task IsCodeReferencedAsync_OnlyAPublishedVersionUsesHash_ReturnsTrue()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f", codeSha256: CodeSha256), Token);
        await InsertVersionAsync(ScopeA.Account, ScopeA.Region, "f", "1", OtherCodeSha256, 300);

        Assert.True(await Store.Functions.IsCodeReferencedAsync(OtherCodeSha256, Token));
    }

    [Fact]
    public async Task GetUsageAsync_WithPublishedVersions_AddsTheirCodeSize()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f", codeSize: 100), Token);
        await InsertVersionAsync(ScopeA.Account, ScopeA.Region, "f", "1", OtherCodeSha256, 300);

        Assert.Equal((1L, 400L), await Store.Functions.GetUsageAsync(ScopeA, Token));
    }

    [Fact]
    public async Task Dispose_Twice_DoesNotThrowAndRejectsLaterCalls()
    {
        var database = Assert.IsType<SqliteDatabase>(Store.Owner);

        database.Dispose();
        database.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.Functions.GetFunctionAsync(ScopeA, "f", Token));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f"), Token));
    }

    protected override StoreSet CreateStore() => SqliteStores.Open(_directory.Path);

    protected override ValueTask DisposeStorageAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task InsertVersionAsync(string account, string region, string name, string version, string codeSha256, long codeSize) =>
        ExecuteAsync(
            $"""
            INSERT INTO function_versions (account, region, name, version, config, code_sha256, code_size, created_at)
            VALUES ('{account}', '{region}', '{name}', '{version}', '{"{}"}', '{codeSha256}', {codeSize}, 'now')
            """);

    private SqliteConnection OpenRawConnection()
    {
        // Pooling off: the file must not stay open after the test closes its stores.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Pooling = false,
            ForeignKeys = true,
        }.ToString());
        connection.Open();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = OpenRawConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Token);
    }

    private async Task<T> QueryScalarAsync<T>(string sql)
    {
        await using var connection = OpenRawConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(Token);
        return Assert.IsType<T>(value);
    }
}
