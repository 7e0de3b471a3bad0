// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed class SqliteProvisionedConcurrencyStore(SqliteDatabase db) : IProvisionedConcurrencyStore
{
    private const string SelectProvisioned = "SELECT account, region, config FROM provisioned_concurrency";

    public async Task<ProvisionedConcurrencyConfig?> GetProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var configs = await db.QueryAsync(
            SelectProvisioned + " WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
            },
            ReadProvisioned,
            cancellationToken);
        return configs.Count == 0 ? null : configs[0].Config;
    }

    public async Task<IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)>> ListProvisionedConcurrencyAsync(Scope? scope, string? functionName, CancellationToken cancellationToken)
    {
        if (scope is null)
        {
            return await db.QueryAsync(SelectProvisioned + " ORDER BY account, region, function_name, qualifier", static _ => { }, ReadProvisioned, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(functionName);
        return await db.QueryAsync(
            SelectProvisioned + " WHERE account = @account AND region = @region AND function_name = @name ORDER BY qualifier",
            command => AddKey(command, scope, functionName),
            ReadProvisioned,
            cancellationToken);
    }

    public async Task<bool> PutProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(config);
        var json = JsonSerializer.Serialize(config, StorageJsonContext.Default.ProvisionedConcurrencyConfig);
        return await db.ExecuteWriteAsync(
            """
            INSERT INTO provisioned_concurrency (account, region, function_name, qualifier, config, last_modified, requested)
            SELECT @account, @region, @name, @qualifier, @config, @lastModified, @requested
            WHERE EXISTS (SELECT 1 FROM functions WHERE account = @account AND region = @region AND name = @name)
            ON CONFLICT (account, region, function_name, qualifier)
            DO UPDATE SET config = excluded.config, last_modified = excluded.last_modified, requested = excluded.requested
            """,
            command => AddProvisioned(command, scope, config, json),
            cancellationToken) == 1;
    }

    public async Task<bool> TryUpdateProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(config);
        var json = JsonSerializer.Serialize(config, StorageJsonContext.Default.ProvisionedConcurrencyConfig);

        // Progress reports are derived state (recomputed after a restart): committed without an fsync of their own.
        return await db.ExecuteWriteAsync(
            """
            UPDATE provisioned_concurrency SET config = @config
            WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier
              AND last_modified = @lastModified AND requested = @requested
              AND COALESCE(json_extract(config, '$.Revision'), '') = @revision
            """,
            command =>
            {
                AddProvisioned(command, scope, config, json);
                command.Parameters.AddWithValue("@revision", config.Revision);
            },
            cancellationToken,
            durable: false) == 1;
    }

    public async Task<bool> DeleteProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.ExecuteWriteAsync(
            "DELETE FROM provisioned_concurrency WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
            },
            cancellationToken) == 1;
    }

    private static void AddProvisioned(SqliteCommand command, Scope scope, ProvisionedConcurrencyConfig config, string json)
    {
        AddKey(command, scope, config.FunctionName);
        command.Parameters.AddWithValue("@qualifier", config.Qualifier);
        command.Parameters.AddWithValue("@config", json);
        command.Parameters.AddWithValue("@lastModified", FormatTimestamp(config.LastModified));
        command.Parameters.AddWithValue("@requested", config.Requested);
    }

    private static (Scope Scope, ProvisionedConcurrencyConfig Config) ReadProvisioned(SqliteDataReader reader) =>
        (new Scope(reader.GetString(0), reader.GetString(1)), ReadJson(reader, 2, StorageJsonContext.Default.ProvisionedConcurrencyConfig));
}
