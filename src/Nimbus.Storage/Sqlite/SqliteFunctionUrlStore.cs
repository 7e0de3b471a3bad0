// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.FunctionUrls;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed class SqliteFunctionUrlStore(SqliteDatabase db) : IFunctionUrlStore
{
    public async Task<FunctionUrlConfig?> GetFunctionUrlAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var rows = await db.QueryAsync(
            "SELECT config FROM function_urls WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
            },
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.FunctionUrlConfig),
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<(Scope Scope, FunctionUrlConfig Config)?> FindByUrlIdAsync(string urlId, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync(
            "SELECT account, region, config FROM function_urls WHERE url_id = @id",
            command => command.Parameters.AddWithValue("@id", urlId),
            static reader => (new Scope(reader.GetString(0), reader.GetString(1)), ReadJson(reader, 2, StorageJsonContext.Default.FunctionUrlConfig)),
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<FunctionUrlConfig>> ListFunctionUrlsAsync(Scope scope, string functionName, string? marker, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.QueryAsync(
            """
            SELECT config FROM function_urls
            WHERE account = @account AND region = @region AND function_name = @name AND qualifier > @marker
            ORDER BY qualifier LIMIT @limit
            """,
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@marker", marker ?? "");
                command.Parameters.AddWithValue("@limit", limit);
            },
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.FunctionUrlConfig),
            cancellationToken);
    }

    public async Task<bool> TryCreateFunctionUrlAsync(Scope scope, FunctionUrlConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(config);
        return await db.ExecuteWriteAsync(
            """
            INSERT INTO function_urls (account, region, function_name, qualifier, url_id, config)
            SELECT @account, @region, @name, @qualifier, @id, @config
            WHERE EXISTS (SELECT 1 FROM functions WHERE account = @account AND region = @region AND name = @name)
              AND (@qualifier = '$LATEST' OR EXISTS (
                  SELECT 1 FROM function_aliases WHERE account = @account AND region = @region AND function_name = @name AND name = @qualifier))
            ON CONFLICT DO NOTHING
            """,
            command => Bind(command, scope, config),
            cancellationToken) == 1;
    }

    public async Task<bool> UpdateFunctionUrlAsync(Scope scope, FunctionUrlConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(config);
        return await db.ExecuteWriteAsync(
            "UPDATE function_urls SET config = @config WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier",
            command => Bind(command, scope, config),
            cancellationToken) == 1;
    }

    public async Task<bool> DeleteFunctionUrlAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.ExecuteWriteAsync(
            "DELETE FROM function_urls WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
            },
            cancellationToken) == 1;
    }

    private static void Bind(SqliteCommand command, Scope scope, FunctionUrlConfig config)
    {
        AddKey(command, scope, config.FunctionName);
        command.Parameters.AddWithValue("@qualifier", config.Qualifier);
        command.Parameters.AddWithValue("@id", config.UrlId);
        command.Parameters.AddWithValue("@config", JsonSerializer.Serialize(config, StorageJsonContext.Default.FunctionUrlConfig));
    }
}
