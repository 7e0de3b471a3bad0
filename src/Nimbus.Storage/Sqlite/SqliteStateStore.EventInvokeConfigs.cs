// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteStateStore
{
    public async Task<EventInvokeConfig?> GetEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            "SELECT config FROM event_invoke_configs WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier");
        AddKey(command, scope, functionName);
        command.Parameters.AddWithValue("@qualifier", qualifier);
        var configs = await ReadEventInvokeConfigsAsync(command, cancellationToken);
        return configs.Count == 0 ? null : configs[0];
    }

    public async Task<IReadOnlyList<EventInvokeConfig>> ListEventInvokeConfigsAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            "SELECT config FROM event_invoke_configs WHERE account = @account AND region = @region AND function_name = @name ORDER BY qualifier");
        AddKey(command, scope, functionName);
        return await ReadEventInvokeConfigsAsync(command, cancellationToken);
    }

    public async Task<bool> PutEventInvokeConfigAsync(Scope scope, EventInvokeConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(config);
        var json = JsonSerializer.Serialize(config, StorageJsonContext.Default.EventInvokeConfig);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO event_invoke_configs (account, region, function_name, qualifier, config)
                    SELECT @account, @region, @name, @qualifier, @config
                    WHERE EXISTS (SELECT 1 FROM functions WHERE account = @account AND region = @region AND name = @name)
                    ON CONFLICT (account, region, function_name, qualifier) DO UPDATE SET config = excluded.config
                    """);
                AddKey(command, scope, config.FunctionName);
                command.Parameters.AddWithValue("@qualifier", config.Qualifier);
                command.Parameters.AddWithValue("@config", json);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> DeleteEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM event_invoke_configs WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier");
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> SetRecursiveLoopAsync(Scope scope, string functionName, string recursiveLoop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    "UPDATE functions SET recursive_loop = @recursiveLoop WHERE account = @account AND region = @region AND name = @name");
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@recursiveLoop", recursiveLoop);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    private static async Task<List<EventInvokeConfig>> ReadEventInvokeConfigsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var configs = new List<EventInvokeConfig>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            configs.Add(JsonSerializer.Deserialize(reader.GetString(0), StorageJsonContext.Default.EventInvokeConfig)
                ?? throw new InvalidDataException("A stored event invoke config is null."));
        }

        return configs;
    }
}
