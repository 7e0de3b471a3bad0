// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteStateStore
{
    public async Task<bool> TryPublishVersionAsync(Scope scope, FunctionVersion latest, FunctionVersion version, int expectedLastVersion, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentNullException.ThrowIfNull(version);
        var number = ParseVersion(version);
        var config = JsonSerializer.Serialize(version, StorageJsonContext.Default.FunctionVersion);
        var latestConfig = JsonSerializer.Serialize(latest, StorageJsonContext.Default.FunctionVersion);
        var createdAt = FormatTimestamp(_timeProvider.GetUtcNow());

        return await WriteAsync(
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
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            "SELECT config FROM function_versions WHERE account = @account AND region = @region AND name = @name AND version = @version");
        AddKey(command, scope, name);
        command.Parameters.AddWithValue("@version", version.ToString(CultureInfo.InvariantCulture));
        var versions = await ReadVersionsAsync(command, cancellationToken);
        return versions.Count == 0 ? null : versions[0];
    }

    public async Task<IReadOnlyList<FunctionVersion>> ListVersionsAsync(Scope scope, string name, int afterVersion, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT config FROM function_versions
            WHERE account = @account AND region = @region AND name = @name AND CAST(version AS INTEGER) > @after
            ORDER BY CAST(version AS INTEGER)
            LIMIT @limit
            """);
        AddKey(command, scope, name);
        command.Parameters.AddWithValue("@after", afterVersion);
        command.Parameters.AddWithValue("@limit", limit);
        return await ReadVersionsAsync(command, cancellationToken);
    }

    public async Task UpdateVersionAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(version);
        ParseVersion(version);
        var config = JsonSerializer.Serialize(version, StorageJsonContext.Default.FunctionVersion);
        await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    "UPDATE function_versions SET config = @config WHERE account = @account AND region = @region AND name = @name AND version = @version");
                AddKey(command, scope, version.Name);
                command.Parameters.AddWithValue("@version", version.Version);
                command.Parameters.AddWithValue("@config", config);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    public async Task<bool> DeleteVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    DELETE FROM function_versions
                    WHERE account = @account AND region = @region AND name = @name AND version = @version
                      AND NOT EXISTS (
                          SELECT 1 FROM function_aliases
                          WHERE account = @account AND region = @region AND function_name = @name
                            AND (function_version = @version OR additional_version = @version))
                    """);
                AddKey(command, scope, name);
                command.Parameters.AddWithValue("@version", version.ToString(CultureInfo.InvariantCulture));
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<FunctionAlias?> GetAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            "SELECT config FROM function_aliases WHERE account = @account AND region = @region AND function_name = @name AND name = @alias");
        AddKey(command, scope, functionName);
        command.Parameters.AddWithValue("@alias", aliasName);
        var aliases = await ReadAliasesAsync(command, cancellationToken);
        return aliases.Count == 0 ? null : aliases[0];
    }

    public async Task<IReadOnlyList<FunctionAlias>> ListAliasesAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            "SELECT config FROM function_aliases WHERE account = @account AND region = @region AND function_name = @name ORDER BY name");
        AddKey(command, scope, functionName);
        return await ReadAliasesAsync(command, cancellationToken);
    }

    public async Task<bool> TryCreateAliasAsync(Scope scope, FunctionAlias functionAlias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(functionAlias);
        var config = JsonSerializer.Serialize(functionAlias, StorageJsonContext.Default.FunctionAlias);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                // INSERT … SELECT: nothing is inserted when the function is gone, as with a conflict.
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO function_aliases (account, region, function_name, name, config, revision_id, function_version, additional_version)
                    SELECT @account, @region, @name, @alias, @config, @revisionId, @functionVersion, @additionalVersion
                    WHERE EXISTS (SELECT 1 FROM functions WHERE account = @account AND region = @region AND name = @name)
                    ON CONFLICT (account, region, function_name, name) DO NOTHING
                    """);
                AddAlias(command, scope, functionAlias, config);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> TryUpdateAliasAsync(Scope scope, FunctionAlias functionAlias, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(functionAlias);
        var config = JsonSerializer.Serialize(functionAlias, StorageJsonContext.Default.FunctionAlias);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE function_aliases
                    SET config = @config, revision_id = @revisionId, function_version = @functionVersion, additional_version = @additionalVersion
                    WHERE account = @account AND region = @region AND function_name = @name AND name = @alias AND revision_id = @expectedRevisionId
                    """);
                AddAlias(command, scope, functionAlias, config);
                command.Parameters.AddWithValue("@expectedRevisionId", expectedRevisionId);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> DeleteAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM function_aliases WHERE account = @account AND region = @region AND function_name = @name AND name = @alias");
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@alias", aliasName);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
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

    private static async Task<List<FunctionVersion>> ReadVersionsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var versions = new List<FunctionVersion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(JsonSerializer.Deserialize(reader.GetString(0), StorageJsonContext.Default.FunctionVersion)
                ?? throw new InvalidDataException("A stored function version is null."));
        }

        return versions;
    }

    private static async Task<List<FunctionAlias>> ReadAliasesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var aliases = new List<FunctionAlias>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aliases.Add(JsonSerializer.Deserialize(reader.GetString(0), StorageJsonContext.Default.FunctionAlias)
                ?? throw new InvalidDataException("A stored alias is null."));
        }

        return aliases;
    }
}
