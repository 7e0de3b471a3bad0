// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteStateStore
{
    public async Task<ProvisionedConcurrencyConfig?> GetProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            "SELECT account, region, config FROM provisioned_concurrency WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier");
        AddKey(command, scope, functionName);
        command.Parameters.AddWithValue("@qualifier", qualifier);
        var configs = await ReadProvisionedAsync(command, cancellationToken);
        return configs.Count == 0 ? null : configs[0].Config;
    }

    public async Task<IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)>> ListProvisionedConcurrencyAsync(Scope? scope, string? functionName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            scope is null
                ? "SELECT account, region, config FROM provisioned_concurrency ORDER BY account, region, function_name, qualifier"
                : "SELECT account, region, config FROM provisioned_concurrency WHERE account = @account AND region = @region AND function_name = @name ORDER BY qualifier");
        if (scope is not null)
        {
            AddKey(command, scope, functionName ?? throw new ArgumentNullException(nameof(functionName)));
        }

        return await ReadProvisionedAsync(command, cancellationToken);
    }

    public async Task<bool> PutProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(config);
        var json = JsonSerializer.Serialize(config, StorageJsonContext.Default.ProvisionedConcurrencyConfig);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO provisioned_concurrency (account, region, function_name, qualifier, config, last_modified, requested)
                    SELECT @account, @region, @name, @qualifier, @config, @lastModified, @requested
                    WHERE EXISTS (SELECT 1 FROM functions WHERE account = @account AND region = @region AND name = @name)
                    ON CONFLICT (account, region, function_name, qualifier)
                    DO UPDATE SET config = excluded.config, last_modified = excluded.last_modified, requested = excluded.requested
                    """);
                AddProvisioned(command, scope, config, json);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> TryUpdateProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(config);
        var json = JsonSerializer.Serialize(config, StorageJsonContext.Default.ProvisionedConcurrencyConfig);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE provisioned_concurrency SET config = @config
                    WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier
                      AND last_modified = @lastModified AND requested = @requested
                    """);
                AddProvisioned(command, scope, config, json);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken,
            durable: false);
    }

    public async Task<bool> DeleteProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM provisioned_concurrency WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier");
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    private static void AddProvisioned(SqliteCommand command, Scope scope, ProvisionedConcurrencyConfig config, string json)
    {
        AddKey(command, scope, config.FunctionName);
        command.Parameters.AddWithValue("@qualifier", config.Qualifier);
        command.Parameters.AddWithValue("@config", json);
        command.Parameters.AddWithValue("@lastModified", FormatTimestamp(config.LastModified));
        command.Parameters.AddWithValue("@requested", config.Requested);
    }

    private static async Task<List<(Scope Scope, ProvisionedConcurrencyConfig Config)>> ReadProvisionedAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var configs = new List<(Scope, ProvisionedConcurrencyConfig)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var config = JsonSerializer.Deserialize(reader.GetString(2), StorageJsonContext.Default.ProvisionedConcurrencyConfig)
                ?? throw new InvalidDataException("A stored provisioned-concurrency config is null.");
            configs.Add((new Scope(reader.GetString(0), reader.GetString(1)), config));
        }

        return configs;
    }
}
