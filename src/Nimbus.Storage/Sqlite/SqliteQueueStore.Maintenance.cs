// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Queues;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteQueueStore
{
    public async Task<int> PurgeQueueAsync(long queueId, CancellationToken cancellationToken)
    {
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(connection, transaction, "DELETE FROM queue_messages WHERE queue_id = @queue");
                command.Parameters.AddWithValue("@queue", queueId);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    public async Task<QueueCounts> CountMessagesAsync(long queueId, DateTimeOffset now, DateTimeOffset retainedSince, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT COALESCE(SUM(visible_at <= @now), 0),
                   COALESCE(SUM(visible_at > @now AND receive_count > 0), 0),
                   COALESCE(SUM(visible_at > @now AND receive_count = 0), 0)
            FROM queue_messages WHERE queue_id = @queue AND sent_at > @retainedSince
            """);
        command.Parameters.AddWithValue("@queue", queueId);
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@retainedSince", retainedSince.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new QueueCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async Task<IReadOnlyList<QueueDepth>> MeasureQueuesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT q.account, q.region, q.name,
                   (SELECT COUNT(*) FROM queue_messages m WHERE m.queue_id = q.id AND m.visible_at <= @now),
                   (SELECT MIN(m.sent_at) FROM queue_messages m WHERE m.queue_id = q.id)
            FROM queues q ORDER BY q.account, q.region, q.name
            """);
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        var depths = new List<QueueDepth>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var oldest = await reader.IsDBNullAsync(4, cancellationToken) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4));
            depths.Add(new QueueDepth(new Scope(reader.GetString(0), reader.GetString(1)), reader.GetString(2), reader.GetInt64(3), oldest));
        }

        return depths;
    }

    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        // Find them on a read connection (a reader never blocks the writer), then delete them by id in one write.
        var expired = new List<long>();
        await using (var connection = await db.OpenReadConnectionAsync(cancellationToken))
        {
            var queues = new List<(long Id, long Cutoff)>();
            await using (var list = CreateCommand(connection, transaction: null, "SELECT id, attributes FROM queues"))
            {
                await using var reader = await list.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var attributes = JsonSerializer.Deserialize(reader.GetString(1), StorageJsonContext.Default.IReadOnlyDictionaryStringString);
                    var retention = attributes is null ? QueueAttributeNames.DefaultRetentionSeconds : QueueSettings.From(attributes).MessageRetentionPeriod;
                    queues.Add((reader.GetInt64(0), now.AddSeconds(-retention).ToUnixTimeMilliseconds()));
                }
            }

            await using var find = CreateCommand(
                connection, transaction: null, "SELECT id FROM queue_messages WHERE queue_id = @queue AND sent_at <= @cutoff LIMIT @limit");
            var queue = find.Parameters.Add("@queue", SqliteType.Integer);
            var cutoff = find.Parameters.Add("@cutoff", SqliteType.Integer);
            var remaining = find.Parameters.Add("@limit", SqliteType.Integer);
            foreach (var (id, before) in queues)
            {
                if (expired.Count >= limit)
                {
                    break;
                }

                queue.Value = id;
                cutoff.Value = before;
                remaining.Value = limit - expired.Count;
                await using var reader = await find.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    expired.Add(reader.GetInt64(0));
                }
            }
        }

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var dedup = CreateCommand(connection, transaction, "DELETE FROM queue_dedup WHERE expires_at <= @now");
                dedup.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                await dedup.ExecuteNonQueryAsync(ct);
                await using var delete = CreateCommand(connection, transaction, "DELETE FROM queue_messages WHERE id = @id");
                var id = delete.Parameters.Add("@id", SqliteType.Integer);
                var deleted = 0;
                foreach (var message in expired)
                {
                    id.Value = message;
                    deleted += await delete.ExecuteNonQueryAsync(ct);
                }

                return deleted;
            },
            cancellationToken,
            durable: false);
    }
}
