// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Logs;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteLogStore
{
    public Task<LogStreamStatus> CreateStreamAsync(Scope scope, string group, string stream, long creationTime, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (await GroupIdAsync(connection, transaction, scope, group, ct) is not { } id)
                {
                    return LogStreamStatus.GroupMissing;
                }

                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    "INSERT INTO log_streams (group_id, name, created_at) VALUES (@group, @name, @now) ON CONFLICT DO NOTHING");
                insert.Parameters.AddWithValue("@group", id);
                insert.Parameters.AddWithValue("@name", stream);
                insert.Parameters.AddWithValue("@now", creationTime);
                return await insert.ExecuteNonQueryAsync(ct) == 1 ? LogStreamStatus.Done : LogStreamStatus.AlreadyExists;
            },
            cancellationToken);

    public Task<LogStreamStatus> DeleteStreamAsync(Scope scope, string group, string stream, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (await GroupIdAsync(connection, transaction, scope, group, ct) is not { } groupId)
                {
                    return LogStreamStatus.GroupMissing;
                }

                if (await StreamIdAsync(connection, transaction, groupId, stream, ct) is not { } streamId)
                {
                    return LogStreamStatus.StreamMissing;
                }

                await using var delete = CreateCommand(connection, transaction, "DELETE FROM log_records WHERE stream_id = @id; DELETE FROM log_streams WHERE id = @id;");
                delete.Parameters.AddWithValue("@id", streamId);
                await delete.ExecuteNonQueryAsync(ct);
                return LogStreamStatus.Done;
            },
            cancellationToken);

    public async Task<LogStreamPage> ListStreamsAsync(Scope scope, string group, LogStreamQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        if (await GroupIdAsync(connection, null, scope, group, cancellationToken) is not { } groupId)
        {
            return new LogStreamPage(LogStreamStatus.GroupMissing, [], null);
        }

        var direction = query.Descending ? "DESC" : "ASC";
        var compare = query.Descending ? "<" : ">";
        string sql;
        await using var command = CreateCommand(connection, null, string.Empty);
        command.Parameters.AddWithValue("@group", groupId);
        command.Parameters.AddWithValue("@limit", query.Limit + 1);
        if (query.OrderByLastEventTime)
        {
            // Streams without events sort as if their last event were at time 0.
            var after = query.After is { } token && ParseTimeCursor(token) is { } cursor ? cursor : ((long, long)?)null;
            command.Parameters.AddWithValue("@at", (object?)after?.Item1 ?? DBNull.Value);
            command.Parameters.AddWithValue("@ai", (object?)after?.Item2 ?? DBNull.Value);
            sql = $"""
                SELECT name, created_at, first_event, last_event, last_ingestion, stored_bytes, id FROM log_streams
                WHERE group_id = @group AND (@at IS NULL OR (COALESCE(last_event, 0), id) {compare} (@at, @ai))
                ORDER BY COALESCE(last_event, 0) {direction}, id {direction} LIMIT @limit
                """;
        }
        else
        {
            command.Parameters.AddWithValue("@prefix", (object?)query.Prefix ?? DBNull.Value);
            command.Parameters.AddWithValue("@after", (object?)query.After ?? DBNull.Value);
            sql = $"""
                SELECT name, created_at, first_event, last_event, last_ingestion, stored_bytes, id FROM log_streams
                WHERE group_id = @group AND (@prefix IS NULL OR substr(name, 1, length(@prefix)) = @prefix)
                  AND (@after IS NULL OR name {compare} @after)
                ORDER BY name {direction} LIMIT @limit
                """;
        }

        command.CommandText = sql;
        var streams = new List<LogStreamInfo>();
        string? next = null;
        long lastId = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var stream = new LogStreamInfo
            {
                Name = reader.GetString(0),
                CreationTime = reader.GetInt64(1),
                FirstEventTimestamp = reader.GetValue(2) as long?,
                LastEventTimestamp = reader.GetValue(3) as long?,
                LastIngestionTime = reader.GetValue(4) as long?,
                StoredBytes = reader.GetInt64(5),
            };
            if (streams.Count == query.Limit)
            {
                var last = streams[^1];
                next = query.OrderByLastEventTime
                    ? string.Create(CultureInfo.InvariantCulture, $"{last.LastEventTimestamp ?? 0}:{lastId}")
                    : last.Name;
                break;
            }

            lastId = reader.GetInt64(6);
            streams.Add(stream);
        }

        return new LogStreamPage(LogStreamStatus.Done, streams, next);
    }

    public Task<LogStreamStatus> PutEventsAsync(Scope scope, string group, string stream, IReadOnlyList<LogEvent> events, long ingestionTime, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var writer = SqliteLogWriter.Create(connection, transaction);
                if (await writer.GroupAsync(scope, group, ingestionTime, create: false, ct) is not { } groupId)
                {
                    return LogStreamStatus.GroupMissing;
                }

                if (await writer.StreamAsync(groupId, stream, ingestionTime, create: false, ct) is not { } streamId)
                {
                    return LogStreamStatus.StreamMissing;
                }

                await writer.InsertAsync(groupId, streamId, events, ingestionTime, ct);
                await writer.CompleteAsync(ct);
                return LogStreamStatus.Done;
            },
            cancellationToken);

    public async Task<LogEventPage> GetEventsAsync(Scope scope, string group, string stream, LogEventRange range, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        if (await GroupIdAsync(connection, null, scope, group, cancellationToken) is not { } groupId)
        {
            return new LogEventPage(LogStreamStatus.GroupMissing, []);
        }

        if (await StreamIdAsync(connection, null, groupId, stream, cancellationToken) is not { } streamId)
        {
            return new LogEventPage(LogStreamStatus.StreamMissing, []);
        }

        // Backwards from a token, or the tail of the range: read newest first, then turn the page round.
        var backwards = range.Before is not null || (range.After is null && range.FromTail);
        var direction = backwards ? "DESC" : "ASC";
        await using var command = CreateCommand(
            connection,
            null,
            $"""
            SELECT id, timestamp, ingestion, message FROM log_records
            WHERE stream_id = @stream
              AND (@start IS NULL OR timestamp >= @start) AND (@end IS NULL OR timestamp <= @end)
              AND (@at IS NULL OR (timestamp, id) > (@at, @ai)) AND (@bt IS NULL OR (timestamp, id) < (@bt, @bi))
            ORDER BY timestamp {direction}, id {direction} LIMIT @limit
            """);
        command.Parameters.AddWithValue("@stream", streamId);
        command.Parameters.AddWithValue("@start", (object?)range.StartTime ?? DBNull.Value);
        command.Parameters.AddWithValue("@end", (object?)range.EndTime ?? DBNull.Value);
        command.Parameters.AddWithValue("@at", (object?)range.After?.Timestamp ?? DBNull.Value);
        command.Parameters.AddWithValue("@ai", (object?)range.After?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("@bt", (object?)range.Before?.Timestamp ?? DBNull.Value);
        command.Parameters.AddWithValue("@bi", (object?)range.Before?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("@limit", range.Limit);
        var events = new List<LogRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new LogRecord(new LogCursor(reader.GetInt64(1), reader.GetInt64(0)), stream, reader.GetInt64(2), reader.GetString(3)));
        }

        if (backwards)
        {
            events.Reverse();
        }

        return new LogEventPage(LogStreamStatus.Done, events);
    }

    private static (long, long)? ParseTimeCursor(string token)
    {
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && long.TryParse(token.AsSpan(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture, out var time)
            && long.TryParse(token.AsSpan(colon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? (time, id)
            : null;
    }
}
