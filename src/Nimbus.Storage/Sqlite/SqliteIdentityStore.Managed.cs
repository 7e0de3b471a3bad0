// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Access.Iam;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>Customer managed policies, their versions and their attachments.</summary>
internal sealed partial class SqliteIdentityStore
{
    private const string SelectPolicy = """
        SELECT p.account, p.name, p.id, p.path, p.description, p.tags, p.default_version, p.created_at, p.updated_at,
               (SELECT COUNT(*) FROM iam_attachments a WHERE a.policy_arn = p.arn)
        FROM iam_policies p
        """;

    public Task<bool> CreatePolicyAsync(ManagedPolicy policy, string document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO iam_policies (account, name, arn, id, path, description, tags, default_version, last_version, created_at, updated_at)
                    VALUES (@account, @name, @arn, @id, @path, @description, @tags, 'v1', 1, @createdAt, @createdAt)
                    ON CONFLICT DO NOTHING
                    """);
                insert.Parameters.AddWithValue("@account", policy.Account);
                insert.Parameters.AddWithValue("@name", policy.Name);
                insert.Parameters.AddWithValue("@arn", policy.Arn);
                insert.Parameters.AddWithValue("@id", policy.Id);
                insert.Parameters.AddWithValue("@path", policy.Path);
                insert.Parameters.AddWithValue("@description", (object?)policy.Description ?? DBNull.Value);
                insert.Parameters.AddWithValue("@tags", JsonSerializer.Serialize(policy.Tags, StorageJsonContext.Default.IReadOnlyListIamTag));
                insert.Parameters.AddWithValue("@createdAt", Millis(policy.CreatedAt));
                if (await insert.ExecuteNonQueryAsync(ct) == 0)
                {
                    return false;
                }

                await InsertVersionAsync(connection, transaction, policy.Arn, 1, document, policy.CreatedAt, ct);
                return true;
            },
            cancellationToken);
    }

    public async Task<ManagedPolicy?> GetPolicyAsync(string policyArn, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync(SelectPolicy + " WHERE p.arn = @arn", command => command.Parameters.AddWithValue("@arn", policyArn), ReadPolicy, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ManagedPolicy>> ListPoliciesAsync(string account, CancellationToken cancellationToken) =>
        await db.QueryAsync(SelectPolicy + " WHERE p.account = @account ORDER BY p.name COLLATE BINARY", command => command.Parameters.AddWithValue("@account", account), ReadPolicy, cancellationToken);

    public Task<IamWriteOutcome> DeletePolicyAsync(string policyArn, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var check = CreateCommand(
                    connection,
                    transaction,
                    """
                    SELECT (SELECT COUNT(*) FROM iam_attachments WHERE policy_arn = @arn), (SELECT COUNT(*) FROM iam_policy_versions WHERE policy_arn = @arn)
                    FROM iam_policies WHERE arn = @arn
                    """);
                check.Parameters.AddWithValue("@arn", policyArn);
                await using (var reader = await check.ExecuteReaderAsync(ct))
                {
                    if (!await reader.ReadAsync(ct))
                    {
                        return IamWriteOutcome.PolicyNotFound;
                    }

                    if (reader.GetInt64(0) > 0)
                    {
                        return IamWriteOutcome.Conflict;
                    }

                    if (reader.GetInt64(1) > 1)
                    {
                        return IamWriteOutcome.HasVersions;
                    }
                }

                await using var delete = CreateCommand(connection, transaction, "DELETE FROM iam_policies WHERE arn = @arn");
                delete.Parameters.AddWithValue("@arn", policyArn);
                await delete.ExecuteNonQueryAsync(ct);
                return IamWriteOutcome.Done;
            },
            cancellationToken);

    public Task<(IamWriteOutcome Outcome, PolicyVersion? Version)> CreatePolicyVersionAsync(string policyArn, string document, bool setAsDefault, int limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync<(IamWriteOutcome, PolicyVersion?)>(
            async (connection, transaction, ct) =>
            {
                await using var check = CreateCommand(
                    connection,
                    transaction,
                    "SELECT last_version, (SELECT COUNT(*) FROM iam_policy_versions WHERE policy_arn = @arn) FROM iam_policies WHERE arn = @arn");
                check.Parameters.AddWithValue("@arn", policyArn);
                long number;
                await using (var reader = await check.ExecuteReaderAsync(ct))
                {
                    if (!await reader.ReadAsync(ct))
                    {
                        return (IamWriteOutcome.PolicyNotFound, null);
                    }

                    if (reader.GetInt64(1) >= limit)
                    {
                        return (IamWriteOutcome.LimitExceeded, null);
                    }

                    number = reader.GetInt64(0) + 1;
                }

                await InsertVersionAsync(connection, transaction, policyArn, number, document, now, ct);
                var versionId = "v" + number.ToString(CultureInfo.InvariantCulture);
                await using var bump = CreateCommand(
                    connection,
                    transaction,
                    "UPDATE iam_policies SET last_version = @number, updated_at = @now, default_version = CASE WHEN @default THEN @versionId ELSE default_version END WHERE arn = @arn");
                bump.Parameters.AddWithValue("@arn", policyArn);
                bump.Parameters.AddWithValue("@number", number);
                bump.Parameters.AddWithValue("@now", Millis(now));
                bump.Parameters.AddWithValue("@default", setAsDefault);
                bump.Parameters.AddWithValue("@versionId", versionId);
                await bump.ExecuteNonQueryAsync(ct);
                return (IamWriteOutcome.Done, new PolicyVersion(versionId, document, setAsDefault, now));
            },
            cancellationToken);

    public async Task<IReadOnlyList<PolicyVersion>> ListPolicyVersionsAsync(string policyArn, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            """
            SELECT 'v' || v.number, v.document, 'v' || v.number = p.default_version, v.created_at
            FROM iam_policy_versions v JOIN iam_policies p ON p.arn = v.policy_arn
            WHERE v.policy_arn = @arn ORDER BY v.number DESC
            """,
            command => command.Parameters.AddWithValue("@arn", policyArn),
            static reader => new PolicyVersion(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, FromMillis(reader.GetInt64(3))),
            cancellationToken);

    public Task<IamWriteOutcome> DeletePolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var outcome = await CheckVersionAsync(connection, transaction, policyArn, versionId, ct);
                if (outcome != IamWriteOutcome.Done)
                {
                    return outcome;
                }

                await using var delete = CreateCommand(connection, transaction, "DELETE FROM iam_policy_versions WHERE policy_arn = @arn AND 'v' || number = @versionId");
                delete.Parameters.AddWithValue("@arn", policyArn);
                delete.Parameters.AddWithValue("@versionId", versionId);
                await delete.ExecuteNonQueryAsync(ct);
                return IamWriteOutcome.Done;
            },
            cancellationToken);

    public Task<IamWriteOutcome> SetDefaultPolicyVersionAsync(string policyArn, string versionId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var outcome = await CheckVersionAsync(connection, transaction, policyArn, versionId, ct);
                if (outcome is not (IamWriteOutcome.Done or IamWriteOutcome.Conflict))
                {
                    return outcome;
                }

                await using var update = CreateCommand(connection, transaction, "UPDATE iam_policies SET default_version = @versionId, updated_at = @now WHERE arn = @arn");
                update.Parameters.AddWithValue("@arn", policyArn);
                update.Parameters.AddWithValue("@versionId", versionId);
                update.Parameters.AddWithValue("@now", Millis(now));
                await update.ExecuteNonQueryAsync(ct);
                return IamWriteOutcome.Done;
            },
            cancellationToken);

    private static async Task InsertVersionAsync(SqliteConnection connection, SqliteTransaction transaction, string policyArn, long number, string document, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var insert = CreateCommand(
            connection,
            transaction,
            "INSERT INTO iam_policy_versions (policy_arn, number, document, created_at) VALUES (@arn, @number, @document, @createdAt)");
        insert.Parameters.AddWithValue("@arn", policyArn);
        insert.Parameters.AddWithValue("@number", number);
        insert.Parameters.AddWithValue("@document", document);
        insert.Parameters.AddWithValue("@createdAt", Millis(createdAt));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>PolicyNotFound, NotFound (no such version), Conflict (it is the default) or Done.</summary>
    private static async Task<IamWriteOutcome> CheckVersionAsync(SqliteConnection connection, SqliteTransaction transaction, string policyArn, string versionId, CancellationToken cancellationToken)
    {
        await using var check = CreateCommand(
            connection,
            transaction,
            "SELECT default_version, EXISTS (SELECT 1 FROM iam_policy_versions WHERE policy_arn = @arn AND 'v' || number = @versionId) FROM iam_policies WHERE arn = @arn");
        check.Parameters.AddWithValue("@arn", policyArn);
        check.Parameters.AddWithValue("@versionId", versionId);
        await using var reader = await check.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return IamWriteOutcome.PolicyNotFound;
        }

        if (reader.GetInt64(1) == 0)
        {
            return IamWriteOutcome.NotFound;
        }

        return reader.GetString(0) == versionId ? IamWriteOutcome.Conflict : IamWriteOutcome.Done;
    }

    private static ManagedPolicy ReadPolicy(SqliteDataReader reader) => new()
    {
        Account = reader.GetString(0),
        Name = reader.GetString(1),
        Id = reader.GetString(2),
        Path = reader.GetString(3),
        Description = reader.IsDBNull(4) ? null : reader.GetString(4),
        Tags = JsonSerializer.Deserialize(reader.GetString(5), StorageJsonContext.Default.IReadOnlyListIamTag) ?? [],
        DefaultVersionId = reader.GetString(6),
        CreatedAt = FromMillis(reader.GetInt64(7)),
        UpdatedAt = FromMillis(reader.GetInt64(8)),
        AttachmentCount = (int)reader.GetInt64(9),
    };
}
