// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Logs;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>The size cap per log group: the oldest events go first, a bounded batch per write transaction.</summary>
internal sealed partial class SqliteLogStore
{
    /// <summary>Events dropped per transaction, so that trimming a large group never holds the write lock for long.</summary>
    private const int TrimBatch = 5000;

    public async Task<IReadOnlyList<LogGroupTrim>> TrimGroupsAsync(long maxBytes, long targetBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(targetBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, targetBytes);
        var over = await db.QueryAsync(
            """
            SELECT g.id, g.account, g.region, g.name, SUM(s.stored_bytes) AS total
            FROM log_groups g JOIN log_streams s ON s.group_id = g.id
            GROUP BY g.id HAVING total > @max
            """,
            command => command.Parameters.AddWithValue("@max", maxBytes),
            reader => (Id: reader.GetInt64(0), Account: reader.GetString(1), Region: reader.GetString(2), Name: reader.GetString(3), Total: reader.GetInt64(4)),
            cancellationToken);
        var trims = new List<LogGroupTrim>(over.Count);
        foreach (var group in over)
        {
            var excess = group.Total - targetBytes;
            long events = 0;
            long bytes = 0;
            while (excess > 0)
            {
                var (dropped, droppedBytes) = await DropOldestAsync(group.Id, excess, cancellationToken);
                if (dropped == 0)
                {
                    break;
                }

                events += dropped;
                bytes += droppedBytes;
                excess -= droppedBytes;
            }

            if (events > 0)
            {
                trims.Add(new LogGroupTrim(group.Account, group.Region, group.Name, events, bytes));
            }
        }

        return trims;
    }

    /// <summary>Drops the group's oldest events, at most <see cref="TrimBatch"/>, until <paramref name="excess"/> bytes are gone.</summary>
    private Task<(long Events, long Bytes)> DropOldestAsync(long groupId, long excess, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var perStream = new Dictionary<long, long>();
                long events = 0;
                long bytes = 0;
                long lastTimestamp = 0;
                long lastId = 0;
                await using (var oldest = CreateCommand(
                    connection,
                    transaction,
                    "SELECT id, stream_id, timestamp, length(CAST(message AS BLOB)) FROM log_records WHERE group_id = @group ORDER BY timestamp, id LIMIT @limit"))
                {
                    oldest.Parameters.AddWithValue("@group", groupId);
                    oldest.Parameters.AddWithValue("@limit", TrimBatch);
                    await using var reader = await oldest.ExecuteReaderAsync(ct);
                    while (bytes < excess && await reader.ReadAsync(ct))
                    {
                        lastId = reader.GetInt64(0);
                        var stream = reader.GetInt64(1);
                        lastTimestamp = reader.GetInt64(2);
                        var size = reader.GetInt64(3);
                        perStream[stream] = perStream.GetValueOrDefault(stream) + size;
                        bytes += size;
                        events++;
                    }
                }

                if (events == 0)
                {
                    return (0L, 0L);
                }

                await using (var delete = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM log_records WHERE group_id = @group AND (timestamp < @timestamp OR (timestamp = @timestamp AND id <= @id))"))
                {
                    delete.Parameters.AddWithValue("@group", groupId);
                    delete.Parameters.AddWithValue("@timestamp", lastTimestamp);
                    delete.Parameters.AddWithValue("@id", lastId);
                    await delete.ExecuteNonQueryAsync(ct);
                }

                await using var update = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE log_streams SET
                        stored_bytes = MAX(stored_bytes - @bytes, 0),
                        first_event = (SELECT MIN(r.timestamp) FROM log_records r WHERE r.stream_id = @stream)
                    WHERE id = @stream
                    """);
                var streamId = update.Parameters.Add("@stream", Microsoft.Data.Sqlite.SqliteType.Integer);
                var streamBytes = update.Parameters.Add("@bytes", Microsoft.Data.Sqlite.SqliteType.Integer);
                foreach (var (stream, size) in perStream)
                {
                    streamId.Value = stream;
                    streamBytes.Value = size;
                    await update.ExecuteNonQueryAsync(ct);
                }

                return (events, bytes);
            },
            cancellationToken,
            durable: false);
}
