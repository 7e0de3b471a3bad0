// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteFunctionStore(SqliteDatabase db) : IFunctionStore
{
    /// <summary>What goes with a function when it is deleted (event source mappings stay, as on AWS).</summary>
    private static readonly string[] OwnedByFunction =
    [
        "DELETE FROM function_versions WHERE account = @account AND region = @region AND name = @name",
        "DELETE FROM provisioned_concurrency WHERE account = @account AND region = @region AND function_name = @name",
        "DELETE FROM event_invoke_configs WHERE account = @account AND region = @region AND function_name = @name",
        "DELETE FROM function_aliases WHERE account = @account AND region = @region AND function_name = @name",
        "DELETE FROM function_urls WHERE account = @account AND region = @region AND function_name = @name",
    ];

    private const string SelectFunction = "SELECT account, region, config, tags, last_version, recursive_loop FROM functions";

    public async Task<FunctionRecord?> GetFunctionAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(name);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            $"{SelectFunction} WHERE account = @account AND region = @region AND name = @name");
        AddKey(command, scope, name);
        var functions = await ReadFunctionsAsync(command, cancellationToken);
        return functions.Count == 0 ? null : functions[0];
    }

    public async Task<bool> TryCreateFunctionAsync(FunctionRecord function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var row = FunctionRow.From(function);
        var createdAt = FormatTimestamp(db.Time.GetUtcNow());

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO functions
                        (account, region, name, config, tags, revision_id, code_sha256, code_size, state, last_update_status, created_at)
                    VALUES
                        (@account, @region, @name, @config, @tags, @revisionId, @codeSha256, @codeSize, @state, @lastUpdateStatus, @createdAt)
                    ON CONFLICT (account, region, name) DO NOTHING
                    """);
                AddKey(command, function.Scope, function.Name);
                row.AddParameters(command);
                command.Parameters.AddWithValue("@createdAt", createdAt);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> TryUpdateFunctionAsync(FunctionRecord function, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(expectedRevisionId);
        var row = FunctionRow.From(function);

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // Compare-and-swap: the row changes only if nobody replaced it since the caller read it.
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE functions
                    SET config = @config, tags = @tags, revision_id = @revisionId, code_sha256 = @codeSha256,
                        code_size = @codeSize, state = @state, last_update_status = @lastUpdateStatus
                    WHERE account = @account AND region = @region AND name = @name AND revision_id = @expectedRevisionId
                    """);
                AddKey(command, function.Scope, function.Name);
                row.AddParameters(command);
                command.Parameters.AddWithValue("@expectedRevisionId", expectedRevisionId);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> DeleteFunctionAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(name);

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // The foreign keys cascade too; deleting what belongs to the function explicitly keeps this right even
                // if foreign keys were ever off for the connection.
                foreach (var table in OwnedByFunction)
                {
                    await using var owned = CreateCommand(connection, transaction, table);
                    AddKey(owned, scope, name);
                    await owned.ExecuteNonQueryAsync(ct);
                }

                await using var command = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM functions WHERE account = @account AND region = @region AND name = @name");
                AddKey(command, scope, name);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<FunctionRecord>> ListFunctionsAsync(
        Scope scope,
        string? afterName,
        int limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);

        // Names compare with SQLite's BINARY collation, the same order for ORDER BY and for the paging marker.
        // Every name is non-empty, so "" as the marker starts at the first one and the primary key serves the range.
        await using var command = CreateCommand(
            connection,
            transaction: null,
            $"""
            {SelectFunction}
            WHERE account = @account AND region = @region AND name > @afterName
            ORDER BY name
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("@account", scope.Account);
        command.Parameters.AddWithValue("@region", scope.Region);
        command.Parameters.AddWithValue("@afterName", afterName ?? "");
        command.Parameters.AddWithValue("@limit", limit);
        return await ReadFunctionsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<FunctionRecord>> ListSettlingFunctionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            $"{SelectFunction} WHERE state = @pending OR last_update_status = @inProgress ORDER BY account, region, name");
        command.Parameters.AddWithValue("@pending", FunctionStates.Pending);
        command.Parameters.AddWithValue("@inProgress", FunctionStates.InProgress);
        return await ReadFunctionsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<FunctionRecord>> ListSnapStartFunctionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            $"""
            {SelectFunction} f WHERE EXISTS (
                SELECT 1 FROM function_versions v
                WHERE v.account = f.account AND v.region = f.region AND v.name = f.name
                AND json_extract(v.config, '$.SnapStartApplyOn') = @publishedVersions)
            ORDER BY account, region, name
            """);
        command.Parameters.AddWithValue("@publishedVersions", SnapStart.PublishedVersions);
        return await ReadFunctionsAsync(command, cancellationToken);
    }

    public async Task<(long FunctionCount, long TotalCodeSize)> GetUsageAsync(Scope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);

        // Like Lambda's account TotalCodeSize, code counts once per stored version ($LATEST and published ones).
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT
                (SELECT COUNT(*) FROM functions WHERE account = @account AND region = @region),
                (SELECT COALESCE(SUM(code_size), 0) FROM functions WHERE account = @account AND region = @region)
                + (SELECT COALESCE(SUM(code_size), 0) FROM function_versions WHERE account = @account AND region = @region)
            """);
        command.Parameters.AddWithValue("@account", scope.Account);
        command.Parameters.AddWithValue("@region", scope.Region);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task<bool> SetRecursiveLoopAsync(Scope scope, string functionName, string recursiveLoop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.ExecuteWriteAsync(
            "UPDATE functions SET recursive_loop = @recursiveLoop WHERE account = @account AND region = @region AND name = @name",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@recursiveLoop", recursiveLoop);
            },
            cancellationToken) == 1;
    }

    public async Task<bool> IsCodeReferencedAsync(string codeSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codeSha256);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT EXISTS (SELECT 1 FROM functions WHERE code_sha256 = @codeSha256)
                OR EXISTS (SELECT 1 FROM function_versions WHERE code_sha256 = @codeSha256)
            """);
        command.Parameters.AddWithValue("@codeSha256", codeSha256);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is long referenced && referenced != 0;
    }

    private static async Task<List<FunctionRecord>> ReadFunctionsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var functions = new List<FunctionRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var scope = new Scope(reader.GetString(0), reader.GetString(1));
            var latest = JsonSerializer.Deserialize(reader.GetString(2), StorageJsonContext.Default.FunctionVersion)
                ?? throw new InvalidDataException($"The stored configuration of a function in {scope} is null.");
            var tags = JsonSerializer.Deserialize(reader.GetString(3), StorageJsonContext.Default.IReadOnlyDictionaryStringString)
                ?? throw new InvalidDataException($"The stored tags of function {latest.Name} in {scope} are null.");
            functions.Add(new FunctionRecord { Scope = scope, Latest = latest, Tags = tags, LastPublishedVersion = reader.GetInt32(4), RecursiveLoop = reader.GetString(5) });
        }

        return functions;
    }
}
