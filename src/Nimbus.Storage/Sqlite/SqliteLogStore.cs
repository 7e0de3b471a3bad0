// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// Function logs and the CloudWatch Logs model over one SQLite database: the invoke path appends through
/// <see cref="ILogStore"/>, the Logs API reads and writes through <see cref="ILogGroupStore"/>.
/// </summary>
internal sealed partial class SqliteLogStore(SqliteDatabase db) : ILogStore, ILogGroupStore
{
    public async Task AppendAsync(IReadOnlyList<LogBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count == 0)
        {
            return;
        }

        var now = db.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var writer = SqliteLogWriter.Create(connection, transaction);
                foreach (var batch in batches)
                {
                    var group = (await writer.GroupAsync(batch.Scope, batch.Group, now, create: true, ct))!.Value;
                    var stream = (await writer.StreamAsync(group, batch.Stream, now, create: true, ct))!.Value;
                    await writer.InsertAsync(group, stream, batch.Events, now, ct);
                }

                await writer.CompleteAsync(ct);

                return true;
            },
            cancellationToken,
            durable: false);
    }

    public async Task<IReadOnlyList<LogEvent>> ReadAsync(Scope scope, string group, string? stream, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.QueryAsync(
            """
            SELECT r.timestamp, r.message FROM log_records r
            JOIN log_groups g ON g.id = r.group_id
            JOIN log_streams s ON s.id = r.stream_id
            WHERE g.account = @account AND g.region = @region AND g.name = @name AND (@stream IS NULL OR s.name = @stream)
            ORDER BY r.id LIMIT @limit
            """,
            command =>
            {
                AddKey(command, scope, group);
                command.Parameters.AddWithValue("@stream", (object?)stream ?? DBNull.Value);
                command.Parameters.AddWithValue("@limit", limit);
            },
            reader => new LogEvent(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1)),
            cancellationToken);
    }

    private static async Task<long?> GroupIdAsync(SqliteConnection connection, SqliteTransaction? transaction, Scope scope, string name, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, "SELECT id FROM log_groups WHERE account = @account AND region = @region AND name = @name");
        AddKey(command, scope, name);
        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }

    private static async Task<long?> StreamIdAsync(SqliteConnection connection, SqliteTransaction? transaction, long group, string name, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, "SELECT id FROM log_streams WHERE group_id = @group AND name = @name");
        command.Parameters.AddWithValue("@group", group);
        command.Parameters.AddWithValue("@name", name);
        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }
}
