// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Images;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed class SqliteRegistryStore(SqliteDatabase db) : IRegistryStore
{
    public async Task<bool> TryCreateRepositoryAsync(Scope scope, RepositoryRecord repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(repository);
        return await db.ExecuteWriteAsync(
            """
            INSERT INTO ecr_repositories (account, region, name, created_at, mutability, scan_on_push)
            VALUES (@account, @region, @name, @created, @mutability, @scan)
            ON CONFLICT DO NOTHING
            """,
            command =>
            {
                AddKey(command, scope, repository.Name);
                command.Parameters.AddWithValue("@created", FormatTimestamp(repository.CreatedAt));
                command.Parameters.AddWithValue("@mutability", repository.ImageTagMutability);
                command.Parameters.AddWithValue("@scan", repository.ScanOnPush ? 1 : 0);
            },
            cancellationToken) == 1;
    }

    public async Task<RepositoryRecord?> GetRepositoryAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var rows = await db.QueryAsync(
            "SELECT name, created_at, mutability, scan_on_push FROM ecr_repositories WHERE account = @account AND region = @region AND name = @name",
            command => AddKey(command, scope, name),
            ReadRepository,
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<RepositoryRecord>> ListRepositoriesAsync(Scope scope, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.QueryAsync(
            """
            SELECT name, created_at, mutability, scan_on_push FROM ecr_repositories
            WHERE account = @account AND region = @region AND name > @after
            ORDER BY name LIMIT @limit
            """,
            command =>
            {
                AddKey(command, scope, "");
                command.Parameters.AddWithValue("@after", after ?? "");
                command.Parameters.AddWithValue("@limit", limit);
            },
            ReadRepository,
            cancellationToken);
    }

    public Task<RepositoryDeletion> DeleteRepositoryAsync(Scope scope, string name, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using (var exists = CreateCommand(connection, transaction, "SELECT COUNT(*) FROM ecr_repositories WHERE account = @account AND region = @region AND name = @name"))
                {
                    AddKey(exists, scope, name);
                    if (await exists.ExecuteScalarAsync(ct) is not long found || found == 0)
                    {
                        return new RepositoryDeletion(false, false, []);
                    }
                }

                var released = new List<string>();
                await using (var referenced = CreateCommand(
                    connection,
                    transaction,
                    """
                    SELECT digest FROM ecr_manifests WHERE account = @account AND region = @region AND repository = @name
                    UNION SELECT digest FROM ecr_references WHERE account = @account AND region = @region AND repository = @name
                    """))
                {
                    AddKey(referenced, scope, name);
                    await using var reader = await referenced.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        released.Add(reader.GetString(0));
                    }
                }

                if (!force && released.Count > 0)
                {
                    return new RepositoryDeletion(true, true, []);
                }

                await using var delete = CreateCommand(connection, transaction, "DELETE FROM ecr_repositories WHERE account = @account AND region = @region AND name = @name");
                AddKey(delete, scope, name);
                await delete.ExecuteNonQueryAsync(ct);
                return new RepositoryDeletion(true, false, released);
            },
            cancellationToken);
    }

    public Task PutManifestAsync(Scope scope, ManifestRecord manifest, string? tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(manifest);
        return db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using (var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO ecr_manifests (account, region, repository, digest, media_type, content, size, pushed_at)
                    VALUES (@account, @region, @name, @digest, @type, @content, @size, @pushed)
                    ON CONFLICT DO NOTHING
                    """))
                {
                    AddKey(insert, scope, manifest.Repository);
                    insert.Parameters.AddWithValue("@digest", manifest.Digest);
                    insert.Parameters.AddWithValue("@type", manifest.MediaType);
                    insert.Parameters.AddWithValue("@content", manifest.Content);
                    insert.Parameters.AddWithValue("@size", manifest.Size);
                    insert.Parameters.AddWithValue("@pushed", FormatTimestamp(manifest.PushedAt));
                    if (await insert.ExecuteNonQueryAsync(ct) == 1)
                    {
                        foreach (var reference in manifest.References)
                        {
                            await using var refer = CreateCommand(
                                connection,
                                transaction,
                                "INSERT INTO ecr_references (account, region, repository, manifest, digest) VALUES (@account, @region, @name, @manifest, @digest) ON CONFLICT DO NOTHING");
                            AddKey(refer, scope, manifest.Repository);
                            refer.Parameters.AddWithValue("@manifest", manifest.Digest);
                            refer.Parameters.AddWithValue("@digest", reference);
                            await refer.ExecuteNonQueryAsync(ct);
                        }
                    }
                }

                if (tag is not null)
                {
                    await using var point = CreateCommand(
                        connection,
                        transaction,
                        """
                        INSERT INTO ecr_tags (account, region, repository, tag, digest) VALUES (@account, @region, @name, @tag, @digest)
                        ON CONFLICT (account, region, repository, tag) DO UPDATE SET digest = excluded.digest
                        """);
                    AddKey(point, scope, manifest.Repository);
                    point.Parameters.AddWithValue("@tag", tag);
                    point.Parameters.AddWithValue("@digest", manifest.Digest);
                    await point.ExecuteNonQueryAsync(ct);
                }

                return true;
            },
            cancellationToken);
    }

    public async Task<ManifestRecord?> GetManifestAsync(Scope scope, string repository, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var byDigest = reference.Contains(':', StringComparison.Ordinal);
        var rows = await db.QueryAsync(
            byDigest
                ? $"{SelectManifest} WHERE m.account = @account AND m.region = @region AND m.repository = @name AND m.digest = @reference GROUP BY m.digest"
                : $"""
                  {SelectManifest}
                  WHERE m.account = @account AND m.region = @region AND m.repository = @name
                    AND m.digest = (SELECT digest FROM ecr_tags WHERE account = @account AND region = @region AND repository = @name AND tag = @reference)
                  GROUP BY m.digest
                  """,
            command =>
            {
                AddKey(command, scope, repository);
                command.Parameters.AddWithValue("@reference", reference);
            },
            ReadManifest,
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ManifestRecord>> ListManifestsAsync(Scope scope, string repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.QueryAsync(
            $"{SelectManifest} WHERE m.account = @account AND m.region = @region AND m.repository = @name GROUP BY m.digest ORDER BY m.pushed_at DESC, m.digest",
            command => AddKey(command, scope, repository),
            ReadManifest,
            cancellationToken);
    }

    public async Task<bool> DeleteManifestAsync(Scope scope, string repository, string digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.ExecuteWriteAsync(
            "DELETE FROM ecr_manifests WHERE account = @account AND region = @region AND repository = @name AND digest = @digest",
            command =>
            {
                AddKey(command, scope, repository);
                command.Parameters.AddWithValue("@digest", digest);
            },
            cancellationToken) == 1;
    }

    public async Task<bool> UntagAsync(Scope scope, string repository, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await db.ExecuteWriteAsync(
            "DELETE FROM ecr_tags WHERE account = @account AND region = @region AND repository = @name AND tag = @tag",
            command =>
            {
                AddKey(command, scope, repository);
                command.Parameters.AddWithValue("@tag", tag);
            },
            cancellationToken) == 1;
    }

    public async Task<bool> IsReferencedAsync(string digest, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync(
            "SELECT EXISTS (SELECT 1 FROM ecr_references WHERE digest = @digest) OR EXISTS (SELECT 1 FROM ecr_manifests WHERE digest = @digest)",
            command => command.Parameters.AddWithValue("@digest", digest),
            static reader => reader.GetInt64(0) != 0,
            cancellationToken);
        return rows[0];
    }

    private const string SelectManifest = """
        SELECT m.repository, m.digest, m.media_type, m.content, m.size, m.pushed_at, group_concat(t.tag, char(10))
        FROM ecr_manifests m
        LEFT JOIN ecr_tags t ON t.account = m.account AND t.region = m.region AND t.repository = m.repository AND t.digest = m.digest
        """;

    private static RepositoryRecord ReadRepository(SqliteDataReader reader) => new()
    {
        Name = reader.GetString(0),
        CreatedAt = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        ImageTagMutability = reader.GetString(2),
        ScanOnPush = reader.GetInt64(3) != 0,
    };

    private static ManifestRecord ReadManifest(SqliteDataReader reader)
    {
        var tags = reader.IsDBNull(6) ? [] : reader.GetString(6).Split('\n');
        Array.Sort(tags, StringComparer.Ordinal);
        return new ManifestRecord
        {
            Repository = reader.GetString(0),
            Digest = reader.GetString(1),
            MediaType = reader.GetString(2),
            Content = (byte[])reader.GetValue(3),
            Size = reader.GetInt64(4),
            PushedAt = DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            Tags = tags,
        };
    }
}
