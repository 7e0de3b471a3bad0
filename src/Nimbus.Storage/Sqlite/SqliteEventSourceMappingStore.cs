// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Mappings;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed class SqliteEventSourceMappingStore(SqliteDatabase db) : IEventSourceMappingStore
{
    public async Task<EventSourceMapping?> GetEventSourceMappingAsync(string uuid, CancellationToken cancellationToken)
    {
        var mappings = await db.QueryAsync(
            "SELECT config FROM event_source_mappings WHERE uuid = @uuid",
            command => command.Parameters.AddWithValue("@uuid", uuid),
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.EventSourceMapping),
            cancellationToken);
        return mappings.Count == 0 ? null : mappings[0];
    }

    public async Task<IReadOnlyList<EventSourceMapping>> ListEventSourceMappingsAsync(Scope? scope, string? eventSourceArn, string? functionName, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            """
            SELECT config FROM event_source_mappings
            WHERE (@account IS NULL OR (account = @account AND region = @region))
              AND (@source IS NULL OR event_source_arn = @source)
              AND (@function IS NULL OR function_name = @function)
            ORDER BY uuid
            """,
            command =>
            {
                command.Parameters.AddWithValue("@account", (object?)scope?.Account ?? DBNull.Value);
                command.Parameters.AddWithValue("@region", (object?)scope?.Region ?? DBNull.Value);
                command.Parameters.AddWithValue("@source", (object?)eventSourceArn ?? DBNull.Value);
                command.Parameters.AddWithValue("@function", (object?)functionName ?? DBNull.Value);
            },
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.EventSourceMapping),
            cancellationToken);

    public async Task<bool> TryCreateEventSourceMappingAsync(EventSourceMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var json = JsonSerializer.Serialize(mapping, StorageJsonContext.Default.EventSourceMapping);
        return await db.ExecuteWriteAsync(
            """
            INSERT INTO event_source_mappings (uuid, account, region, event_source_arn, function_name, config, last_modified)
            VALUES (@uuid, @account, @region, @source, @function, @config, @lastModified)
            ON CONFLICT DO NOTHING
            """,
            command => AddMapping(command, mapping, json),
            cancellationToken) == 1;
    }

    public async Task<bool> TryUpdateEventSourceMappingAsync(EventSourceMapping mapping, DateTimeOffset expectedLastModified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var json = JsonSerializer.Serialize(mapping, StorageJsonContext.Default.EventSourceMapping);
        return await db.ExecuteWriteAsync(
            """
            UPDATE event_source_mappings
            SET function_name = @function, config = @config, last_modified = @lastModified
            WHERE uuid = @uuid AND last_modified = @expected
            """,
            command =>
            {
                AddMapping(command, mapping, json);
                command.Parameters.AddWithValue("@expected", FormatTimestamp(expectedLastModified));
            },
            cancellationToken) == 1;
    }

    public async Task<bool> DeleteEventSourceMappingAsync(string uuid, CancellationToken cancellationToken) =>
        await db.ExecuteWriteAsync(
            "DELETE FROM event_source_mappings WHERE uuid = @uuid",
            command => command.Parameters.AddWithValue("@uuid", uuid),
            cancellationToken) == 1;

    private static void AddMapping(SqliteCommand command, EventSourceMapping mapping, string json)
    {
        command.Parameters.AddWithValue("@uuid", mapping.Uuid);
        command.Parameters.AddWithValue("@account", mapping.Scope.Account);
        command.Parameters.AddWithValue("@region", mapping.Scope.Region);
        command.Parameters.AddWithValue("@source", mapping.EventSourceArn);
        command.Parameters.AddWithValue("@function", mapping.FunctionName);
        command.Parameters.AddWithValue("@config", json);
        command.Parameters.AddWithValue("@lastModified", FormatTimestamp(mapping.LastModified));
    }
}
