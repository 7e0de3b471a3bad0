// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteFunctionStore
{
    private const string SelectAliases = "SELECT config FROM function_aliases WHERE account = @account AND region = @region AND function_name = @name";

    public async Task<bool> TryPublishVersionAsync(Scope scope, FunctionVersion latest, FunctionVersion version, int expectedLastVersion, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentNullException.ThrowIfNull(version);
        var number = ParseVersion(version);
        var config = JsonSerializer.Serialize(version, StorageJsonContext.Default.FunctionVersion);
        var latestConfig = JsonSerializer.Serialize(latest, StorageJsonContext.Default.FunctionVersion);
        var createdAt = FormatTimestamp(db.Time.GetUtcNow());

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // Compare-and-swap on both $LATEST's revision and the version counter: a concurrent update or publish
                // makes this one fail instead of publishing what the caller no longer sees, or reusing a number.
                await using var claim = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE functions SET last_version = @number, config = @latestConfig, revision_id = @latestRevisionId
                    WHERE account = @account AND region = @region AND name = @name
                      AND revision_id = @expectedRevisionId AND last_version = @expectedLastVersion
                    """);
                AddKey(claim, scope, version.Name);
                claim.Parameters.AddWithValue("@number", number);
                claim.Parameters.AddWithValue("@latestConfig", latestConfig);
                claim.Parameters.AddWithValue("@latestRevisionId", latest.RevisionId);
                claim.Parameters.AddWithValue("@expectedRevisionId", expectedRevisionId);
                claim.Parameters.AddWithValue("@expectedLastVersion", expectedLastVersion);
                if (await claim.ExecuteNonQueryAsync(ct) != 1)
                {
                    return false;
                }

                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO function_versions (account, region, name, version, config, code_sha256, code_size, created_at)
                    VALUES (@account, @region, @name, @version, @config, @codeSha256, @codeSize, @createdAt)
                    """);
                AddKey(insert, scope, version.Name);
                insert.Parameters.AddWithValue("@version", version.Version);
                insert.Parameters.AddWithValue("@config", config);
                insert.Parameters.AddWithValue("@codeSha256", version.CodeSha256);
                insert.Parameters.AddWithValue("@codeSize", version.CodeSize);
                insert.Parameters.AddWithValue("@createdAt", createdAt);
                await insert.ExecuteNonQueryAsync(ct);
                return true;
            },
            cancellationToken);
    }

    public async Task<FunctionVersion?> GetVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var versions = await db.QueryAsync(
            "SELECT config FROM function_versions WHERE account = @account AND region = @region AND name = @name AND version = @version",
            command =>
            {
                AddKey(command, scope, name);
                command.Parameters.AddWithValue("@version", version.ToString(CultureInfo.InvariantCulture));
            },
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.FunctionVersion),
            cancellationToken);
        return versions.Count == 0 ? null : versions[0];
    }

    public async Task<IReadOnlyList<FunctionVersion>> ListVersionsAsync(Scope scope, string name, int afterVersion, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await db.QueryAsync(
            """
            SELECT config FROM function_versions
            WHERE account = @account AND region = @region AND name = @name AND CAST(version AS INTEGER) > @after
            ORDER BY CAST(version AS INTEGER)
            LIMIT @limit
            """,
            command =>
            {
                AddKey(command, scope, name);
                command.Parameters.AddWithValue("@after", afterVersion);
                command.Parameters.AddWithValue("@limit", limit);
            },
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.FunctionVersion),
            cancellationToken);
    }

    public async Task UpdateVersionAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(version);
        ParseVersion(version);
        var config = JsonSerializer.Serialize(version, StorageJsonContext.Default.FunctionVersion);
        await db.ExecuteWriteAsync(
            "UPDATE function_versions SET config = @config WHERE account = @account AND region = @region AND name = @name AND version = @version",
            command =>
            {
                AddKey(command, scope, version.Name);
                command.Parameters.AddWithValue("@version", version.Version);
                command.Parameters.AddWithValue("@config", config);
            },
            cancellationToken);
    }

    public async Task<bool> DeleteVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.ExecuteWriteAsync(
            """
            DELETE FROM function_versions
            WHERE account = @account AND region = @region AND name = @name AND version = @version
              AND NOT EXISTS (
                  SELECT 1 FROM function_aliases
                  WHERE account = @account AND region = @region AND function_name = @name
                    AND (function_version = @version OR additional_version = @version))
            """,
            command =>
            {
                AddKey(command, scope, name);
                command.Parameters.AddWithValue("@version", version.ToString(CultureInfo.InvariantCulture));
            },
            cancellationToken) == 1;
    }

    public async Task<FunctionAlias?> GetAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var aliases = await db.QueryAsync(
            SelectAliases + " AND name = @alias",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@alias", aliasName);
            },
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.FunctionAlias),
            cancellationToken);
        return aliases.Count == 0 ? null : aliases[0];
    }

    public async Task<IReadOnlyList<FunctionAlias>> ListAliasesAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.QueryAsync(
            SelectAliases + " ORDER BY name",
            command => AddKey(command, scope, functionName),
            static reader => ReadJson(reader, 0, StorageJsonContext.Default.FunctionAlias),
            cancellationToken);
    }

    public async Task<bool> TryCreateAliasAsync(Scope scope, FunctionAlias functionAlias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(functionAlias);
        var config = JsonSerializer.Serialize(functionAlias, StorageJsonContext.Default.FunctionAlias);

        // INSERT … SELECT: nothing is inserted when the function is gone, as with a conflict.
        return await db.ExecuteWriteAsync(
            """
            INSERT INTO function_aliases (account, region, function_name, name, config, revision_id, function_version, additional_version)
            SELECT @account, @region, @name, @alias, @config, @revisionId, @functionVersion, @additionalVersion
            WHERE EXISTS (SELECT 1 FROM functions WHERE account = @account AND region = @region AND name = @name)
            ON CONFLICT (account, region, function_name, name) DO NOTHING
            """,
            command => AddAlias(command, scope, functionAlias, config),
            cancellationToken) == 1;
    }

    public async Task<bool> TryUpdateAliasAsync(Scope scope, FunctionAlias functionAlias, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(functionAlias);
        var config = JsonSerializer.Serialize(functionAlias, StorageJsonContext.Default.FunctionAlias);
        return await db.ExecuteWriteAsync(
            """
            UPDATE function_aliases
            SET config = @config, revision_id = @revisionId, function_version = @functionVersion, additional_version = @additionalVersion
            WHERE account = @account AND region = @region AND function_name = @name AND name = @alias AND revision_id = @expectedRevisionId
            """,
            command =>
            {
                AddAlias(command, scope, functionAlias, config);
                command.Parameters.AddWithValue("@expectedRevisionId", expectedRevisionId);
            },
            cancellationToken) == 1;
    }

    public async Task<bool> DeleteAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.ExecuteWriteAsync(
            "DELETE FROM function_aliases WHERE account = @account AND region = @region AND function_name = @name AND name = @alias",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@alias", aliasName);
            },
            cancellationToken) == 1;
    }

    private static int ParseVersion(FunctionVersion version) =>
        int.TryParse(version.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{version.Version} is not a published version number.", nameof(version));

    private static void AddAlias(SqliteCommand command, Scope scope, FunctionAlias alias, string config)
    {
        AddKey(command, scope, alias.FunctionName);
        command.Parameters.AddWithValue("@alias", alias.Name);
        command.Parameters.AddWithValue("@config", config);
        command.Parameters.AddWithValue("@revisionId", alias.RevisionId);
        command.Parameters.AddWithValue("@functionVersion", alias.FunctionVersion);
        string? additional = null;
        if (alias.AdditionalVersionWeights is { } weights)
        {
            foreach (var key in weights.Keys)
            {
                additional = key;
            }
        }

        command.Parameters.AddWithValue("@additionalVersion", (object?)additional ?? DBNull.Value);
    }
}
