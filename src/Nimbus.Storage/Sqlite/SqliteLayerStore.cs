// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Layers;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed class SqliteLayerStore(SqliteDatabase db) : ILayerStore
{
    private const string SelectLayerVersion = "SELECT config FROM layer_versions v";

    // A version matches a filter when its JSON lists the runtime / architecture (a null parameter matches all).
    private const string LayerFilterSql = """
        (@runtime IS NULL OR EXISTS (SELECT 1 FROM json_each(v.config, '$.CompatibleRuntimes') r WHERE r.value = @runtime))
        AND (@architecture IS NULL OR EXISTS (SELECT 1 FROM json_each(v.config, '$.CompatibleArchitectures') a WHERE a.value = @architecture))
        """;

    public async Task<LayerVersion> PublishLayerVersionAsync(LayerVersion draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var createdAt = FormatTimestamp(db.Time.GetUtcNow());

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var bump = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO layers (account, region, name, latest_version) VALUES (@account, @region, @name, 1)
                    ON CONFLICT (account, region, name) DO UPDATE SET latest_version = latest_version + 1
                    RETURNING latest_version
                    """);
                AddKey(bump, draft.Scope, draft.LayerName);
                var number = (long)(await bump.ExecuteScalarAsync(ct))!; // RETURNING always yields the row.
                var version = draft with { Version = number };

                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO layer_versions (account, region, name, version, arn, config, code_sha256, policy_revision_id, created_at)
                    VALUES (@account, @region, @name, @version, @arn, @config, @codeSha256, @policyRevisionId, @createdAt)
                    """);
                AddKey(insert, draft.Scope, draft.LayerName);
                insert.Parameters.AddWithValue("@version", number);
                insert.Parameters.AddWithValue("@arn", version.LayerVersionArn);
                insert.Parameters.AddWithValue("@config", Serialize(version));
                insert.Parameters.AddWithValue("@codeSha256", version.CodeSha256);
                insert.Parameters.AddWithValue("@policyRevisionId", (object?)version.PolicyRevisionId ?? DBNull.Value);
                insert.Parameters.AddWithValue("@createdAt", createdAt);
                await insert.ExecuteNonQueryAsync(ct);
                return version;
            },
            cancellationToken);
    }

    public async Task<LayerVersion?> GetLayerVersionAsync(Scope scope, string name, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(name);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            $"{SelectLayerVersion} WHERE account = @account AND region = @region AND name = @name AND version = @version AND deleted = 0");
        AddKey(command, scope, name);
        command.Parameters.AddWithValue("@version", version);
        var versions = await ReadLayerVersionsAsync(command, cancellationToken);
        return versions.Count == 0 ? null : versions[0];
    }

    public async Task<IReadOnlyList<LayerVersion>> ListLayerVersionsAsync(
        Scope scope,
        string name,
        LayerFilter filter,
        long? beforeVersion,
        int limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            $"""
            {SelectLayerVersion}
            WHERE account = @account AND region = @region AND name = @name AND deleted = 0 AND version < @before
              AND {LayerFilterSql}
            ORDER BY version DESC
            LIMIT @limit
            """);
        AddKey(command, scope, name);
        command.Parameters.AddWithValue("@before", beforeVersion ?? long.MaxValue);
        AddFilter(command, filter);
        command.Parameters.AddWithValue("@limit", limit);
        return await ReadLayerVersionsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<LayerVersion>> ListLatestLayerVersionsAsync(
        Scope scope,
        LayerFilter filter,
        string? afterName,
        int limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);

        // SQLite's bare-column rule: with MAX() in an aggregate query, the other columns come from the row holding the max.
        await using var command = CreateCommand(
            connection,
            transaction: null,
            $"""
            SELECT config, MAX(version) FROM layer_versions v
            WHERE account = @account AND region = @region AND name > @afterName AND deleted = 0
              AND {LayerFilterSql}
            GROUP BY name
            ORDER BY name
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("@account", scope.Account);
        command.Parameters.AddWithValue("@region", scope.Region);
        command.Parameters.AddWithValue("@afterName", afterName ?? "");
        AddFilter(command, filter);
        command.Parameters.AddWithValue("@limit", limit);
        return await ReadLayerVersionsAsync(command, cancellationToken);
    }

    public async Task<bool> DeleteLayerVersionAsync(Scope scope, string name, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(name);

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE layer_versions SET deleted = 1
                    WHERE account = @account AND region = @region AND name = @name AND version = @version AND deleted = 0
                    """);
                AddKey(command, scope, name);
                command.Parameters.AddWithValue("@version", version);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> TryUpdateLayerPolicyAsync(LayerVersion updated, string? expectedPolicyRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        var config = Serialize(updated);

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE layer_versions SET config = @config, policy_revision_id = @policyRevisionId
                    WHERE account = @account AND region = @region AND name = @name AND version = @version AND deleted = 0
                      AND policy_revision_id IS @expected
                    """);
                AddKey(command, updated.Scope, updated.LayerName);
                command.Parameters.AddWithValue("@version", updated.Version);
                command.Parameters.AddWithValue("@config", config);
                command.Parameters.AddWithValue("@policyRevisionId", (object?)updated.PolicyRevisionId ?? DBNull.Value);
                command.Parameters.AddWithValue("@expected", (object?)expectedPolicyRevisionId ?? DBNull.Value);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async Task<bool> IsLayerCodeReferencedAsync(string codeSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codeSha256);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            "SELECT EXISTS (SELECT 1 FROM layer_versions WHERE code_sha256 = @codeSha256)");
        command.Parameters.AddWithValue("@codeSha256", codeSha256);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is long referenced && referenced != 0;
    }

    public async Task<IReadOnlyList<string>> PurgeDeletedLayerVersionsAsync(CancellationToken cancellationToken)
    {
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                // Function configurations keep their layers as [{"Arn": ...}, ...]; published versions too.
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    DELETE FROM layer_versions AS v
                    WHERE deleted = 1
                      AND NOT EXISTS (SELECT 1 FROM functions f, json_each(f.config, '$.Layers') l
                                      WHERE json_extract(l.value, '$.Arn') = v.arn)
                      AND NOT EXISTS (SELECT 1 FROM function_versions fv, json_each(fv.config, '$.Layers') l
                                      WHERE json_extract(l.value, '$.Arn') = v.arn)
                    RETURNING code_sha256
                    """);
                var purged = new List<string>();
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    purged.Add(reader.GetString(0));
                }

                return purged;
            },
            cancellationToken);
    }

    private static string Serialize(LayerVersion version) => JsonSerializer.Serialize(version, LayerJsonContext.Default.LayerVersion);

    private static void AddFilter(SqliteCommand command, LayerFilter filter)
    {
        command.Parameters.AddWithValue("@runtime", (object?)filter.CompatibleRuntime ?? DBNull.Value);
        command.Parameters.AddWithValue("@architecture", (object?)filter.CompatibleArchitecture ?? DBNull.Value);
    }

    private static async Task<List<LayerVersion>> ReadLayerVersionsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var versions = new List<LayerVersion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(JsonSerializer.Deserialize(reader.GetString(0), LayerJsonContext.Default.LayerVersion)
                ?? throw new InvalidDataException("A stored layer version is null."));
        }

        return versions;
    }
}
