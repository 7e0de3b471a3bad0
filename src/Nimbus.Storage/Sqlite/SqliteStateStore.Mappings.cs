// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Mappings;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteStateStore
{
    public async Task<EventSourceMapping?> GetEventSourceMappingAsync(string uuid, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(connection, transaction: null, "SELECT config FROM event_source_mappings WHERE uuid = @uuid");
        command.Parameters.AddWithValue("@uuid", uuid);
        var mappings = await ReadMappingsAsync(command, cancellationToken);
        return mappings.Count == 0 ? null : mappings[0];
    }

    public async Task<IReadOnlyList<EventSourceMapping>> ListEventSourceMappingsAsync(Scope? scope, string? eventSourceArn, string? functionName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT config FROM event_source_mappings
            WHERE (@account IS NULL OR (account = @account AND region = @region))
              AND (@source IS NULL OR event_source_arn = @source)
              AND (@function IS NULL OR function_name = @function)
            ORDER BY uuid
            """);
        command.Parameters.AddWithValue("@account", (object?)scope?.Account ?? DBNull.Value);
        command.Parameters.AddWithValue("@region", (object?)scope?.Region ?? DBNull.Value);
        command.Parameters.AddWithValue("@source", (object?)eventSourceArn ?? DBNull.Value);
        command.Parameters.AddWithValue("@function", (object?)functionName ?? DBNull.Value);
        return await ReadMappingsAsync(command, cancellationToken);
    }

    public async Task<bool> TryCreateEventSourceMappingAsync(EventSourceMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var json = JsonSerializer.Serialize(mapping, StorageJsonContext.Default.EventSourceMapping);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO event_source_mappings (uuid, account, region, event_source_arn, function_name, config, last_modified)
                    VALUES (@uuid, @account, @region, @source, @function, @config, @lastModified)
                    ON CONFLICT DO NOTHING
                    """);
                AddMapping(command, mapping, json);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> TryUpdateEventSourceMappingAsync(EventSourceMapping mapping, DateTimeOffset expectedLastModified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var json = JsonSerializer.Serialize(mapping, StorageJsonContext.Default.EventSourceMapping);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE event_source_mappings
                    SET function_name = @function, config = @config, last_modified = @lastModified
                    WHERE uuid = @uuid AND last_modified = @expected
                    """);
                AddMapping(command, mapping, json);
                command.Parameters.AddWithValue("@expected", FormatTimestamp(expectedLastModified));
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> DeleteEventSourceMappingAsync(string uuid, CancellationToken cancellationToken)
    {
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(connection, transaction, "DELETE FROM event_source_mappings WHERE uuid = @uuid");
                command.Parameters.AddWithValue("@uuid", uuid);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

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

    private static async Task<List<EventSourceMapping>> ReadMappingsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var mappings = new List<EventSourceMapping>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            mappings.Add(JsonSerializer.Deserialize(reader.GetString(0), StorageJsonContext.Default.EventSourceMapping)
                ?? throw new InvalidDataException("A stored event source mapping is null."));
        }

        return mappings;
    }
}
