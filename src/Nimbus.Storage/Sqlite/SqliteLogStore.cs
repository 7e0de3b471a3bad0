// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed class SqliteLogStore(SqliteDatabase db) : ILogStore
{
    public async Task AppendAsync(IReadOnlyList<LogBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count == 0)
        {
            return;
        }

        await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO log_events (account, region, log_group, log_stream, timestamp, message)
                    VALUES (@account, @region, @group, @stream, @timestamp, @message)
                    """);
                var account = command.Parameters.Add("@account", Microsoft.Data.Sqlite.SqliteType.Text);
                var region = command.Parameters.Add("@region", Microsoft.Data.Sqlite.SqliteType.Text);
                var group = command.Parameters.Add("@group", Microsoft.Data.Sqlite.SqliteType.Text);
                var stream = command.Parameters.Add("@stream", Microsoft.Data.Sqlite.SqliteType.Text);
                var timestamp = command.Parameters.Add("@timestamp", Microsoft.Data.Sqlite.SqliteType.Integer);
                var message = command.Parameters.Add("@message", Microsoft.Data.Sqlite.SqliteType.Text);
                await command.PrepareAsync(ct);
                foreach (var batch in batches)
                {
                    account.Value = batch.Scope.Account;
                    region.Value = batch.Scope.Region;
                    group.Value = batch.Group;
                    stream.Value = batch.Stream;
                    foreach (var logEvent in batch.Events)
                    {
                        timestamp.Value = logEvent.Timestamp.ToUnixTimeMilliseconds();
                        message.Value = logEvent.Message;
                        await command.ExecuteNonQueryAsync(ct);
                    }
                }

                return true;
            },
            cancellationToken,
            durable: false);
    }

    public async Task<IReadOnlyList<LogEvent>> ReadAsync(Scope scope, string group, string? stream, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT timestamp, message FROM log_events
            WHERE account = @account AND region = @region AND log_group = @group AND (@stream IS NULL OR log_stream = @stream)
            ORDER BY id LIMIT @limit
            """);
        command.Parameters.AddWithValue("@account", scope.Account);
        command.Parameters.AddWithValue("@region", scope.Region);
        command.Parameters.AddWithValue("@group", group);
        command.Parameters.AddWithValue("@stream", (object?)stream ?? DBNull.Value);
        command.Parameters.AddWithValue("@limit", limit);
        var events = new List<LogEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new LogEvent(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1)));
        }

        return events;
    }
}
