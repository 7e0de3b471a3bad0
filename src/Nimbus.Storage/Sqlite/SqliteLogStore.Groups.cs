// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Logs;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteLogStore
{
    private const string GroupColumns =
        "g.name, g.created_at, g.retention_days, g.tags, (SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s WHERE s.group_id = g.id)";

    private const long DayMilliseconds = 86_400_000;

    public async Task<bool> CreateGroupAsync(Scope scope, string name, long creationTime, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var changed = await db.ExecuteWriteAsync(
            "INSERT INTO log_groups (account, region, name, created_at, tags) VALUES (@account, @region, @name, @now, @tags) ON CONFLICT DO NOTHING",
            command =>
            {
                AddKey(command, scope, name);
                command.Parameters.AddWithValue("@now", creationTime);
                command.Parameters.AddWithValue("@tags", JsonSerializer.Serialize(tags, StorageJsonContext.Default.IReadOnlyDictionaryStringString));
            },
            cancellationToken);
        return changed == 1;
    }

    public Task<bool> DeleteGroupAsync(Scope scope, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (await GroupIdAsync(connection, transaction, scope, name, ct) is not { } id)
                {
                    return false;
                }

                await using var delete = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM log_records WHERE group_id = @id; DELETE FROM log_streams WHERE group_id = @id; DELETE FROM log_groups WHERE id = @id;");
                delete.Parameters.AddWithValue("@id", id);
                await delete.ExecuteNonQueryAsync(ct);
                return true;
            },
            cancellationToken);

    public async Task<LogGroupInfo?> GetGroupAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync(
            $"SELECT {GroupColumns} FROM log_groups g WHERE g.account = @account AND g.region = @region AND g.name = @name",
            command => AddKey(command, scope, name),
            ReadGroup,
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<LogGroupInfo>> ListGroupsAsync(Scope scope, LogGroupQuery query, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            $"""
            SELECT {GroupColumns} FROM log_groups g
            WHERE g.account = @account AND g.region = @region
              AND (@prefix IS NULL OR substr(g.name, 1, length(@prefix)) = @prefix)
              AND (@contains IS NULL OR instr(lower(g.name), lower(@contains)) > 0)
              AND (@after IS NULL OR g.name > @after)
            ORDER BY g.name LIMIT @limit
            """,
            command =>
            {
                command.Parameters.AddWithValue("@account", scope.Account);
                command.Parameters.AddWithValue("@region", scope.Region);
                command.Parameters.AddWithValue("@prefix", (object?)query.Prefix ?? DBNull.Value);
                command.Parameters.AddWithValue("@contains", (object?)query.Contains ?? DBNull.Value);
                command.Parameters.AddWithValue("@after", (object?)query.After ?? DBNull.Value);
                command.Parameters.AddWithValue("@limit", query.Limit + 1);
            },
            ReadGroup,
            cancellationToken);

    public async Task<bool> SetRetentionAsync(Scope scope, string name, int? days, CancellationToken cancellationToken) =>
        await db.ExecuteWriteAsync(
            "UPDATE log_groups SET retention_days = @days WHERE account = @account AND region = @region AND name = @name",
            command =>
            {
                AddKey(command, scope, name);
                command.Parameters.AddWithValue("@days", (object?)days ?? DBNull.Value);
            },
            cancellationToken) == 1;

    public async Task<bool> SetTagsAsync(Scope scope, string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        await db.ExecuteWriteAsync(
            "UPDATE log_groups SET tags = @tags WHERE account = @account AND region = @region AND name = @name",
            command =>
            {
                AddKey(command, scope, name);
                command.Parameters.AddWithValue("@tags", JsonSerializer.Serialize(tags, StorageJsonContext.Default.IReadOnlyDictionaryStringString));
            },
            cancellationToken) == 1;

    public async Task<long> DeleteExpiredAsync(long now, CancellationToken cancellationToken)
    {
        var groups = await db.QueryAsync(
            "SELECT id, retention_days FROM log_groups WHERE retention_days IS NOT NULL",
            _ => { },
            reader => (Id: reader.GetInt64(0), Days: reader.GetInt64(1)),
            cancellationToken);
        long deleted = 0;
        foreach (var (id, days) in groups)
        {
            // One group per transaction, so a large sweep never holds the write lock for long.
            deleted += await db.WriteAsync(
                async (connection, transaction, ct) =>
                {
                    await using var delete = CreateCommand(connection, transaction, "DELETE FROM log_records WHERE group_id = @id AND timestamp < @cutoff");
                    delete.Parameters.AddWithValue("@id", id);
                    delete.Parameters.AddWithValue("@cutoff", now - (days * DayMilliseconds));
                    var count = await delete.ExecuteNonQueryAsync(ct);
                    if (count > 0)
                    {
                        await using var recount = CreateCommand(
                            connection,
                            transaction,
                            """
                            UPDATE log_streams SET
                                stored_bytes = COALESCE((SELECT SUM(length(CAST(r.message AS BLOB))) FROM log_records r WHERE r.stream_id = log_streams.id), 0),
                                first_event = (SELECT MIN(r.timestamp) FROM log_records r WHERE r.stream_id = log_streams.id)
                            WHERE group_id = @id
                            """);
                        recount.Parameters.AddWithValue("@id", id);
                        await recount.ExecuteNonQueryAsync(ct);
                    }

                    return (long)count;
                },
                cancellationToken,
                durable: false);
        }

        return deleted;
    }

    private static LogGroupInfo ReadGroup(SqliteDataReader reader) => new()
    {
        Name = reader.GetString(0),
        CreationTime = reader.GetInt64(1),
        RetentionInDays = reader.IsDBNull(2) ? null : reader.GetInt32(2),
        Tags = ReadJson(reader, 3, StorageJsonContext.Default.IReadOnlyDictionaryStringString),
        StoredBytes = reader.GetInt64(4),
    };
}
