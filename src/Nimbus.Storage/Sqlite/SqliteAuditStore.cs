// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Audit;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// The audit trail in <c>audit_events</c> and <c>audit_resources</c> (schema version 15): appended in batches, read newest
/// first, removed only by the retention sweep. The tables' triggers refuse updates, whoever asks.
/// </summary>
internal sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    private const string Columns = "seq, event_id, account, region, event_time, event_source, event_name, read_only, management, username, access_key_id, request_id, error_code, record";

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
                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO audit_events (event_id, account, region, event_time, event_source, event_name, read_only, management, username, access_key_id, request_id, error_code, record)
                    VALUES (@id, @account, @region, @time, @source, @name, @readOnly, @management, @username, @key, @requestId, @error, @record)
                    RETURNING seq
                    """);
                var id = insert.Parameters.Add("@id", SqliteType.Text);
                var account = insert.Parameters.Add("@account", SqliteType.Text);
                var region = insert.Parameters.Add("@region", SqliteType.Text);
                var time = insert.Parameters.Add("@time", SqliteType.Integer);
                var source = insert.Parameters.Add("@source", SqliteType.Text);
                var name = insert.Parameters.Add("@name", SqliteType.Text);
                var readOnly = insert.Parameters.Add("@readOnly", SqliteType.Integer);
                var management = insert.Parameters.Add("@management", SqliteType.Integer);
                var username = insert.Parameters.Add("@username", SqliteType.Text);
                var key = insert.Parameters.Add("@key", SqliteType.Text);
                var requestId = insert.Parameters.Add("@requestId", SqliteType.Text);
                var error = insert.Parameters.Add("@error", SqliteType.Text);
                var record = insert.Parameters.Add("@record", SqliteType.Text);
                await using var resource = CreateCommand(
                    connection,
                    transaction,
                    "INSERT INTO audit_resources (seq, type, name, arn) VALUES (@seq, @type, @name, @arn)");
                var seq = resource.Parameters.Add("@seq", SqliteType.Integer);
                var type = resource.Parameters.Add("@type", SqliteType.Text);
                var resourceName = resource.Parameters.Add("@name", SqliteType.Text);
                var arn = resource.Parameters.Add("@arn", SqliteType.Text);
                foreach (var e in events)
                {
                    id.Value = e.EventId;
                    account.Value = e.Account;
                    region.Value = e.Region;
                    time.Value = e.EventTime.ToUnixTimeMilliseconds();
                    source.Value = e.EventSource;
                    name.Value = e.EventName;
                    readOnly.Value = e.ReadOnly ? 1 : 0;
                    management.Value = e.Management ? 1 : 0;
                    username.Value = (object?)e.Username ?? DBNull.Value;
                    key.Value = (object?)e.AccessKeyId ?? DBNull.Value;
                    requestId.Value = e.RequestId;
                    error.Value = (object?)e.ErrorCode ?? DBNull.Value;
                    record.Value = e.Record;
                    var written = (long)(await insert.ExecuteScalarAsync(ct))!;
                    foreach (var r in e.Resources)
                    {
                        seq.Value = written;
                        type.Value = r.Type;
                        resourceName.Value = r.Name;
                        arn.Value = r.Arn;
                        await resource.ExecuteNonQueryAsync(ct);
                    }
                }

                return true;
            },
            cancellationToken,
            durable);
    }

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
