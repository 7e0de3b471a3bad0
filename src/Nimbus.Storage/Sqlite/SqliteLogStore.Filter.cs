// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Nimbus.Core.Arns;
using Nimbus.Core.Logs;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteLogStore
{
    public async Task<LogFilterPage> FilterEventsAsync(Scope scope, string group, LogFilterQuery query, Func<string, bool> match, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(match);
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        if (await GroupIdAsync(connection, null, scope, group, cancellationToken) is not { } groupId)
        {
            return new LogFilterPage(false, [], [], null);
        }

        // The streams searched: all of the group's, the named ones, or those with the prefix.
        var streams = new Dictionary<long, string>();
        await using (var list = CreateCommand(
            connection,
            null,
            "SELECT id, name FROM log_streams WHERE group_id = @group AND (@prefix IS NULL OR substr(name, 1, length(@prefix)) = @prefix) ORDER BY name"))
        {
            list.Parameters.AddWithValue("@group", groupId);
            list.Parameters.AddWithValue("@prefix", (object?)query.StreamPrefix ?? DBNull.Value);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            var named = query.StreamNames is { } names ? new HashSet<string>(names, StringComparer.Ordinal) : null;
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(1);
                if (named is null || named.Contains(name))
                {
                    streams[reader.GetInt64(0)] = name;
                }
            }
        }

        if (streams.Count == 0)
        {
            return new LogFilterPage(true, [], [], null);
        }

        var direction = query.Descending ? "DESC" : "ASC";
        var sql = new StringBuilder(
            $"""
            SELECT id, timestamp, ingestion, message, stream_id FROM log_records
            WHERE group_id = @group
              AND (@start IS NULL OR timestamp >= @start) AND (@end IS NULL OR timestamp <= @end)
              AND (@ct IS NULL OR (timestamp, id) {(query.Descending ? "<" : ">")} (@ct, @ci))
            """);
        await using var command = CreateCommand(connection, null, string.Empty);
        if (query.StreamNames is not null || query.StreamPrefix is not null)
        {
            sql.Append(" AND stream_id IN (").AppendJoin(',', streams.Keys.Select(id => id.ToString(CultureInfo.InvariantCulture))).Append(')');
        }

        // Text every match contains is tested by SQLite, so most events never reach .NET (a JSON pattern's holds
        // unless the event spells characters as \uXXXX: those events go to .NET whatever they contain).
        if (query.RequiredSubstrings.Count > 0)
        {
            sql.Append(" AND (");
            for (var i = 0; i < query.RequiredSubstrings.Count; i++)
            {
                sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? " AND " : "")}instr(message, @term{i}) > 0");
                command.Parameters.AddWithValue($"@term{i}", query.RequiredSubstrings[i]);
            }

            sql.Append(query.RequiredUnlessUnicodeEscaped ? @" OR instr(message, '\u') > 0)" : ")");
        }

        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY timestamp {direction}, id {direction} LIMIT @scan");
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("@group", groupId);
        command.Parameters.AddWithValue("@start", (object?)query.StartTime ?? DBNull.Value);
        command.Parameters.AddWithValue("@end", (object?)query.EndTime ?? DBNull.Value);
        command.Parameters.AddWithValue("@ct", (object?)query.After?.Timestamp ?? DBNull.Value);
        command.Parameters.AddWithValue("@ci", (object?)query.After?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("@scan", query.ScanLimit);

        var events = new List<LogRecord>();
        var scanned = 0;
        long bytes = 0;
        LogCursor? last = null;
        var stoppedEarly = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                scanned++;
                var cursor = new LogCursor(reader.GetInt64(1), reader.GetInt64(0));
                last = cursor;
                var message = reader.GetString(3);
                if (match(message))
                {
                    events.Add(new LogRecord(cursor, streams[reader.GetInt64(4)], reader.GetInt64(2), message));
                    bytes += message.Length + 26;
                    if (events.Count >= query.Limit || bytes >= query.MaxBytes)
                    {
                        stoppedEarly = true;
                        break;
                    }
                }
            }
        }

        var more = stoppedEarly || scanned >= query.ScanLimit;
        return new LogFilterPage(true, events, [.. streams.Values], more ? last : null);
    }
}
