// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed class SqliteEventInvokeConfigStore(SqliteDatabase db) : IEventInvokeConfigStore
{
    private const string SelectInvokeConfigs =
        "SELECT config FROM event_invoke_configs WHERE account = @account AND region = @region AND function_name = @name";

    public async Task<EventInvokeConfig?> GetEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var configs = await db.QueryAsync(
            SelectInvokeConfigs + " AND qualifier = @qualifier",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
            },
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.EventInvokeConfig),
            cancellationToken);
        return configs.Count == 0 ? null : configs[0];
    }

    public async Task<IReadOnlyList<EventInvokeConfig>> ListEventInvokeConfigsAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.QueryAsync(
            SelectInvokeConfigs + " ORDER BY qualifier",
            command => AddKey(command, scope, functionName),
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.EventInvokeConfig),
            cancellationToken);
    }

    public async Task<bool> PutEventInvokeConfigAsync(Scope scope, EventInvokeConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(config);
        var json = JsonSerializer.Serialize(config, StorageJsonContext.Default.EventInvokeConfig);
        return await db.ExecuteWriteAsync(
            """
            INSERT INTO event_invoke_configs (account, region, function_name, qualifier, config)
            SELECT @account, @region, @name, @qualifier, @config
            WHERE EXISTS (SELECT 1 FROM functions WHERE account = @account AND region = @region AND name = @name)
            ON CONFLICT (account, region, function_name, qualifier) DO UPDATE SET config = excluded.config
            """,
            command =>
            {
                AddKey(command, scope, config.FunctionName);
                command.Parameters.AddWithValue("@qualifier", config.Qualifier);
                command.Parameters.AddWithValue("@config", json);
            },
            cancellationToken) == 1;
    }

    public async Task<bool> DeleteEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.ExecuteWriteAsync(
            "DELETE FROM event_invoke_configs WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
            },
            cancellationToken) == 1;
    }
}
