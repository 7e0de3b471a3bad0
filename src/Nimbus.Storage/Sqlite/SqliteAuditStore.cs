// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Audit;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// The audit trail in <c>audit_events</c> and <c>audit_resources</c> (schema version 16): appended in batches (up to
/// <see cref="RowsPerInsert"/> rows per INSERT), read newest first, removed only by the retention sweep. The tables'
/// triggers refuse updates, whoever asks.
/// </summary>
internal sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    private const string Columns = "seq, event_id, account, region, event_time, event_source, event_name, read_only, management, username, access_key_id, request_id, error_code, record";
    private const int EventColumns = 14;

    /// <summary>Rows per INSERT statement (14 parameters each for an event, far below SQLite's limit of 32,766).</summary>
    private const int RowsPerInsert = 64;

    public Task AppendAsync(IReadOnlyList<AuditEvent> events, bool durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // The events' seq are given here (the next after the highest, as SQLite would give them: one writer
                // at a time), so that many events go in one INSERT and their resources in another.
                long next;
                await using (var last = CreateCommand(connection, transaction, "SELECT COALESCE(MAX(seq), 0) FROM audit_events"))
                {
                    next = (long)(await last.ExecuteScalarAsync(ct))! + 1;
                }

                var resources = new List<(long Seq, AuditResource Resource)>();
                SqliteBulkInsert? full = null;
                try
                {
                    for (var offset = 0; offset < events.Count; offset += RowsPerInsert)
                    {
                        // One statement serves every full chunk of the transaction; the last, shorter one has its own.
                        var count = Math.Min(RowsPerInsert, events.Count - offset);
                        using var rest = count < RowsPerInsert ? EventsInsert(connection, count) : null;
                        var insert = rest ?? (full ??= EventsInsert(connection, count));
                        for (var i = 0; i < count; i++)
                        {
                            var e = events[offset + i];
                            var seq = next++;
                            insert.Add(seq);
                            insert.Add(e.EventId);
                            insert.Add(e.Account);
                            insert.Add(e.Region);
                            insert.Add(e.EventTime.ToUnixTimeMilliseconds());
                            insert.Add(e.EventSource);
                            insert.Add(e.EventName);
                            insert.Add(e.ReadOnly);
                            insert.Add(e.Management);
                            insert.Add(e.Username);
                            insert.Add(e.AccessKeyId);
                            insert.Add(e.RequestId);
                            insert.Add(e.ErrorCode);
                            insert.Add(e.Record);
                            foreach (var r in e.Resources)
                            {
                                resources.Add((seq, r));
                            }
                        }

                        ct.ThrowIfCancellationRequested();
                        insert.Execute();
                    }
                }
                finally
                {
                    full?.Dispose();
                }

                for (var offset = 0; offset < resources.Count; offset += RowsPerInsert)
                {
                    var count = Math.Min(RowsPerInsert, resources.Count - offset);
                    using var insert = ResourcesInsert(connection, count);
                    for (var i = 0; i < count; i++)
                    {
                        var (seq, r) = resources[offset + i];
                        insert.Add(seq);
                        insert.Add(r.Type);
                        insert.Add(r.Name);
                        insert.Add(r.Arn);
                    }

                    ct.ThrowIfCancellationRequested();
                    insert.Execute();
                }

                return true;
            },
            cancellationToken,
            durable);
    }

    /// <summary>An INSERT of <paramref name="rows"/> events (their columns in the order of <see cref="Columns"/>).</summary>
    private static SqliteBulkInsert EventsInsert(SqliteConnection connection, int rows) =>
        SqliteBulkInsert.Prepare(connection, $"audit_events ({Columns})", EventColumns, rows);

    /// <summary>An INSERT of <paramref name="rows"/> resources (seq, type, name, arn).</summary>
    private static SqliteBulkInsert ResourcesInsert(SqliteConnection connection, int rows) =>
        SqliteBulkInsert.Prepare(connection, "audit_resources (seq, type, name, arn)", 4, rows);

    public async Task<AuditPage> LookupAsync(AuditLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var sql = new StringBuilder($"SELECT {Columns} FROM audit_events e WHERE account = @account");
        if (lookup.Start is not null)
        {
            sql.Append(" AND event_time >= @start");
        }

        if (lookup.End is not null)
        {
            sql.Append(" AND event_time <= @end");
        }

        if (lookup.Before is not null)
        {
            sql.Append(" AND seq < @before");
        }

        if (lookup.Attribute is { } attribute)
        {
            sql.Append(attribute switch
            {
                AuditLookupKey.EventId => " AND event_id = @value",
                AuditLookupKey.EventName => " AND event_name = @value",
                AuditLookupKey.ReadOnly => " AND read_only = @value",
                AuditLookupKey.Username => " AND username = @value",
                AuditLookupKey.EventSource => " AND event_source = @value",
                AuditLookupKey.AccessKeyId => " AND access_key_id = @value",
                AuditLookupKey.ResourceType => " AND EXISTS (SELECT 1 FROM audit_resources r WHERE r.seq = e.seq AND r.type = @value)",
                _ => " AND EXISTS (SELECT 1 FROM audit_resources r WHERE r.seq = e.seq AND (r.name = @value OR r.arn = @value))",
            });
        }

        sql.Append(" ORDER BY seq DESC LIMIT @limit");
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken);
        var events = new List<(long Seq, AuditEvent Event)>();
        await using (var command = CreateCommand(connection, transaction: null, sql.ToString()))
        {
            command.Parameters.AddWithValue("@account", lookup.Account);
            command.Parameters.AddWithValue("@start", lookup.Start?.ToUnixTimeMilliseconds() ?? 0);
            command.Parameters.AddWithValue("@end", lookup.End?.ToUnixTimeMilliseconds() ?? 0);
            command.Parameters.AddWithValue("@before", lookup.Before ?? 0);
            object value = lookup.Attribute == AuditLookupKey.ReadOnly
                ? (string.Equals(lookup.Value, "true", StringComparison.OrdinalIgnoreCase) ? 1 : 0)
                : lookup.Value ?? string.Empty;
            command.Parameters.AddWithValue("@value", value);
            command.Parameters.AddWithValue("@limit", lookup.MaxResults + 1);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add((reader.GetInt64(0), Read(reader)));
            }
        }

        long? next = null;
        if (events.Count > lookup.MaxResults)
        {
            events.RemoveAt(events.Count - 1);
            next = events[^1].Seq;
        }

        var page = new List<AuditEvent>(events.Count);
        await using var resources = CreateCommand(connection, transaction: null, "SELECT type, name, arn FROM audit_resources WHERE seq = @seq ORDER BY rowid");
        var seqParameter = resources.Parameters.Add("@seq", SqliteType.Integer);
        foreach (var (seq, e) in events)
        {
            seqParameter.Value = seq;
            var list = new List<AuditResource>();
            await using (var reader = await resources.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    list.Add(new AuditResource(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
            }

            page.Add(e with { Resources = list });
        }

        return new AuditPage(page, next);
    }

    public Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        database.ExecuteWriteAsync(
            "DELETE FROM audit_events WHERE event_time < @cutoff",
            command => command.Parameters.AddWithValue("@cutoff", cutoff.ToUnixTimeMilliseconds()),
            cancellationToken);

    private static AuditEvent Read(SqliteDataReader reader) => new()
    {
        EventId = reader.GetString(1),
        Account = reader.GetString(2),
        Region = reader.GetString(3),
        EventTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        EventSource = reader.GetString(5),
        EventName = reader.GetString(6),
        ReadOnly = reader.GetInt64(7) != 0,
        Management = reader.GetInt64(8) != 0,
        Username = reader.IsDBNull(9) ? null : reader.GetString(9),
        AccessKeyId = reader.IsDBNull(10) ? null : reader.GetString(10),
        RequestId = reader.GetString(11),
        ErrorCode = reader.IsDBNull(12) ? null : reader.GetString(12),
        Record = reader.GetString(13),
    };
}
