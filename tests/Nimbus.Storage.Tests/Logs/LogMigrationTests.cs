// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Nimbus.Core.Logs;
using Nimbus.Storage.Sqlite;
using Nimbus.Storage.Tests.Sqlite;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests.Logs;

/// <summary>A database written before log groups existed keeps its function logs: the lines move to groups and streams.</summary>
public sealed class LogMigrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateAsync_FromTheLinesTable_KeepsEveryLineInItsGroupAndStream()
    {
        var logGroupsScript = SqliteMigrations.Scripts.ToList().FindIndex(s => s.Contains("CREATE TABLE log_groups", StringComparison.Ordinal));
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_directory.Path, SqliteDatabase.DatabaseFileName),
            Pooling = false,
        }.ToString()))
        {
            await connection.OpenAsync(Token);
            await using var command = connection.CreateCommand();
            command.CommandText = SqliteMigrations.CreateVersionTable;
            for (var i = 0; i < logGroupsScript; i++)
            {
                command.CommandText += SqliteMigrations.Scripts[i] + $"\nINSERT INTO schema_version (version, applied_at) VALUES ({i + 1}, 'then');\n";
            }

            command.CommandText += $"""
                INSERT INTO log_events (account, region, log_group, log_stream, timestamp, message) VALUES
                ('{ScopeA.Account}', '{ScopeA.Region}', '/aws/lambda/f', 's1', 1000, 'START'),
                ('{ScopeA.Account}', '{ScopeA.Region}', '/aws/lambda/f', 's2', 1500, 'other'),
                ('{ScopeA.Account}', '{ScopeA.Region}', '/aws/lambda/f', 's1', 2000, 'END'),
                ('{ScopeB.Account}', '{ScopeB.Region}', '/aws/lambda/f', 's1', 3000, 'elsewhere');
                """;
            await command.ExecuteNonQueryAsync(Token);
        }

        using var database = SqliteStores.OpenDatabase(_directory.Path);
        await database.MigrateAsync(Token);
        var store = new SqliteLogStore(database);

        var group = await store.GetGroupAsync(ScopeA, "/aws/lambda/f", Token);
        var streams = await store.ListStreamsAsync(ScopeA, "/aws/lambda/f", new LogStreamQuery(), Token);
        var s1 = await store.GetEventsAsync(ScopeA, "/aws/lambda/f", "s1", new LogEventRange(), Token);
        var all = await store.FilterEventsAsync(ScopeA, "/aws/lambda/f", new LogFilterQuery(), _ => true, Token);

        Assert.NotNull(group);
        Assert.Equal(1000, group.CreationTime);
        Assert.Equal(13, group.StoredBytes);
        Assert.Equal(["s1", "s2"], streams.Streams.Select(s => s.Name));
        Assert.Equal((1000L, 2000L), (streams.Streams[0].FirstEventTimestamp!.Value, streams.Streams[0].LastEventTimestamp!.Value));
        Assert.Equal(["START", "END"], s1.Events.Select(e => e.Message));
        Assert.Equal(["START", "other", "END"], all.Events.Select(e => e.Message));
        Assert.Single((await store.GetEventsAsync(ScopeB, "/aws/lambda/f", "s1", new LogEventRange(), Token)).Events);
    }

    public void Dispose() => _directory.Dispose();
}
