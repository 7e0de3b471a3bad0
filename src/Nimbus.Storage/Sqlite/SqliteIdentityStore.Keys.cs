// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Nimbus.Core.Access.Iam;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>Access keys and STS sessions: their secrets sealed by <see cref="SecretBox"/>, bound to their key id.</summary>
internal sealed partial class SqliteIdentityStore
{
    public Task<IamWriteOutcome> CreateAccessKeyAsync(IamAccessKey key, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sealedSecret = secrets.Seal(key.SecretAccessKey, key.AccessKeyId);
        return db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (!await EntityExistsAsync(connection, transaction, key.Account, IamEntityKind.User, key.UserName, ct))
                {
                    return IamWriteOutcome.NotFound;
                }

                await using var count = CreateCommand(connection, transaction, "SELECT COUNT(*) FROM iam_access_keys WHERE account = @account AND user_name = @name");
                count.Parameters.AddWithValue("@account", key.Account);
                count.Parameters.AddWithValue("@name", key.UserName);
                if ((long)(await count.ExecuteScalarAsync(ct))! >= limit) // COUNT always yields a row.
                {
                    return IamWriteOutcome.LimitExceeded;
                }

                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    "INSERT INTO iam_access_keys (access_key_id, account, user_name, secret, status, created_at) VALUES (@id, @account, @name, @secret, @status, @createdAt)");
                insert.Parameters.AddWithValue("@id", key.AccessKeyId);
                insert.Parameters.AddWithValue("@account", key.Account);
                insert.Parameters.AddWithValue("@name", key.UserName);
                insert.Parameters.AddWithValue("@secret", sealedSecret);
                insert.Parameters.AddWithValue("@status", key.Status);
                insert.Parameters.AddWithValue("@createdAt", Millis(key.CreatedAt));
                await insert.ExecuteNonQueryAsync(ct);
                return IamWriteOutcome.Done;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<IamAccessKey>> ListAccessKeysAsync(string? account, string? userName, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            """
            SELECT k.access_key_id, k.account, e.name, k.secret, k.status, k.created_at, e.entity
            FROM iam_access_keys k JOIN iam_entities e ON e.account = k.account AND e.kind = 'User' AND e.name = k.user_name
            WHERE (@account IS NULL OR k.account = @account) AND (@name IS NULL OR k.user_name = @name)
            ORDER BY k.created_at, k.access_key_id
            """,
            command =>
            {
                command.Parameters.AddWithValue("@account", (object?)account ?? DBNull.Value);
                command.Parameters.AddWithValue("@name", (object?)userName ?? DBNull.Value);
            },
            reader =>
            {
                var user = ReadJson(reader, 6, StorageJsonContext.Default.IamEntity);
                var id = reader.GetString(0);
                return new IamAccessKey
                {
                    AccessKeyId = id,
                    Account = reader.GetString(1),
                    UserName = reader.GetString(2),
                    SecretAccessKey = secrets.Open((byte[])reader.GetValue(3), id),
                    Status = reader.GetString(4),
                    CreatedAt = FromMillis(reader.GetInt64(5)),
                    UserArn = user.Arn,
                    UserId = user.Id,
                };
            },
            cancellationToken);

    public async Task<bool> UpdateAccessKeyAsync(string account, string userName, string accessKeyId, string status, CancellationToken cancellationToken) =>
        await db.ExecuteWriteAsync(
            "UPDATE iam_access_keys SET status = @status WHERE access_key_id = @id AND account = @account AND user_name = @name",
            command =>
            {
                AddKey(command, account, userName, accessKeyId);
                command.Parameters.AddWithValue("@status", status);
            },
            cancellationToken) == 1;

    public async Task<bool> DeleteAccessKeyAsync(string account, string userName, string accessKeyId, CancellationToken cancellationToken) =>
        await db.ExecuteWriteAsync(
            "DELETE FROM iam_access_keys WHERE access_key_id = @id AND account = @account AND user_name = @name",
            command => AddKey(command, account, userName, accessKeyId),
            cancellationToken) == 1;

    public async Task SaveSessionAsync(StoredSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var sealedSecret = secrets.Seal(session.SecretAccessKey, session.AccessKeyId);
        var sealedToken = secrets.Seal(session.SessionToken, session.AccessKeyId);
        await db.ExecuteWriteAsync(
            """
            INSERT INTO sts_sessions (access_key_id, account, principal_arn, unique_id, secret, token, expires_at)
            VALUES (@id, @account, @arn, @uniqueId, @secret, @token, @expiresAt)
            """,
            command =>
            {
                command.Parameters.AddWithValue("@id", session.AccessKeyId);
                command.Parameters.AddWithValue("@account", session.Account);
                command.Parameters.AddWithValue("@arn", session.PrincipalArn);
                command.Parameters.AddWithValue("@uniqueId", session.UniqueId);
                command.Parameters.AddWithValue("@secret", sealedSecret);
                command.Parameters.AddWithValue("@token", sealedToken);
                command.Parameters.AddWithValue("@expiresAt", Millis(session.Expiration));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<StoredSession>> ListSessionsAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        await db.ExecuteWriteAsync(
            "DELETE FROM sts_sessions WHERE expires_at <= @after",
            command => command.Parameters.AddWithValue("@after", Millis(after)),
            cancellationToken);
        return await db.QueryAsync(
            "SELECT access_key_id, account, principal_arn, unique_id, secret, token, expires_at FROM sts_sessions WHERE expires_at > @after ORDER BY expires_at",
            command => command.Parameters.AddWithValue("@after", Millis(after)),
            reader =>
            {
                var id = reader.GetString(0);
                return new StoredSession
                {
                    AccessKeyId = id,
                    Account = reader.GetString(1),
                    PrincipalArn = reader.GetString(2),
                    UniqueId = reader.GetString(3),
                    SecretAccessKey = secrets.Open((byte[])reader.GetValue(4), id),
                    SessionToken = secrets.Open((byte[])reader.GetValue(5), id),
                    Expiration = FromMillis(reader.GetInt64(6)),
                };
            },
            cancellationToken);
    }

    private static void AddKey(SqliteCommand command, string account, string userName, string accessKeyId)
    {
        command.Parameters.AddWithValue("@id", accessKeyId);
        command.Parameters.AddWithValue("@account", account);
        command.Parameters.AddWithValue("@name", userName);
    }
}
