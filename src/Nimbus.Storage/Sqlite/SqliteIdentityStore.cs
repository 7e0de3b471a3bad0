// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>IAM's and STS's state in SQLite: entities here; keys, sessions, policies and groups in the other parts.</summary>
internal sealed partial class SqliteIdentityStore(SqliteDatabase db, SecretBox secrets) : IIdentityStore
{
    public async Task<bool> CreateEntityAsync(IamEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return await db.ExecuteWriteAsync(
            "INSERT INTO iam_entities (account, kind, name, id, entity) VALUES (@account, @kind, @name, @id, @entity) ON CONFLICT DO NOTHING",
            command =>
            {
                AddEntity(command, entity.Account, entity.Kind, entity.Name);
                command.Parameters.AddWithValue("@id", entity.Id);
                command.Parameters.AddWithValue("@entity", JsonSerializer.Serialize(entity, StorageJsonContext.Default.IamEntity));
            },
            cancellationToken) == 1;
    }

    public async Task<IamEntity?> GetEntityAsync(string account, IamEntityKind kind, string name, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync(
            "SELECT entity FROM iam_entities WHERE account = @account AND kind = @kind AND name = @name",
            command => AddEntity(command, account, kind, name),
            ReadEntity,
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<IamEntity>> ListEntitiesAsync(string account, IamEntityKind kind, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            "SELECT entity FROM iam_entities WHERE account = @account AND kind = @kind ORDER BY name COLLATE BINARY",
            command =>
            {
                command.Parameters.AddWithValue("@account", account);
                command.Parameters.AddWithValue("@kind", kind.ToString());
            },
            ReadEntity,
            cancellationToken);

    public async Task<bool> UpdateEntityAsync(IamEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return await db.ExecuteWriteAsync(
            "UPDATE iam_entities SET entity = @entity WHERE account = @account AND kind = @kind AND name = @name AND id = @id",
            command =>
            {
                AddEntity(command, entity.Account, entity.Kind, entity.Name);
                command.Parameters.AddWithValue("@id", entity.Id);
                command.Parameters.AddWithValue("@entity", JsonSerializer.Serialize(entity, StorageJsonContext.Default.IamEntity));
            },
            cancellationToken) == 1;
    }

    public Task<IamWriteOutcome> DeleteEntityAsync(string account, IamEntityKind kind, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (!await EntityExistsAsync(connection, transaction, account, kind, name, ct))
                {
                    return IamWriteOutcome.NotFound;
                }

                // What IAM makes you remove first (DeleteUser, DeleteRole, DeleteGroup: "must delete ... first").
                await using var dependents = CreateCommand(
                    connection,
                    transaction,
                    """
                    SELECT EXISTS (SELECT 1 FROM iam_inline_policies WHERE account = @account AND kind = @kind AND entity_name = @name)
                        OR EXISTS (SELECT 1 FROM iam_attachments WHERE account = @account AND kind = @kind AND entity_name = @name)
                        OR (@kind = 'User' AND EXISTS (SELECT 1 FROM iam_access_keys WHERE account = @account AND user_name = @name))
                        OR (@kind = 'User' AND EXISTS (SELECT 1 FROM iam_group_members WHERE account = @account AND user_name = @name))
                        OR (@kind = 'Group' AND EXISTS (SELECT 1 FROM iam_group_members WHERE account = @account AND group_name = @name))
                    """);
                AddEntity(dependents, account, kind, name);
                if (await dependents.ExecuteScalarAsync(ct) is long found && found != 0)
                {
                    return IamWriteOutcome.Conflict;
                }

                await using var delete = CreateCommand(connection, transaction, "DELETE FROM iam_entities WHERE account = @account AND kind = @kind AND name = @name");
                AddEntity(delete, account, kind, name);
                await delete.ExecuteNonQueryAsync(ct);
                return IamWriteOutcome.Done;
            },
            cancellationToken);

    private static IamEntity ReadEntity(SqliteDataReader reader) => ReadJson(reader, 0, StorageJsonContext.Default.IamEntity);

    private static void AddEntity(SqliteCommand command, string account, IamEntityKind kind, string name)
    {
        command.Parameters.AddWithValue("@account", account);
        command.Parameters.AddWithValue("@kind", kind.ToString());
        command.Parameters.AddWithValue("@name", name);
    }

    private static async Task<bool> EntityExistsAsync(SqliteConnection connection, SqliteTransaction transaction, string account, IamEntityKind kind, string name, CancellationToken cancellationToken)
    {
        await using var exists = CreateCommand(
            connection,
            transaction,
            "SELECT EXISTS (SELECT 1 FROM iam_entities WHERE account = @account AND kind = @kind AND name = @name)");
        AddEntity(exists, account, kind, name);
        return await exists.ExecuteScalarAsync(cancellationToken) is long found && found != 0;
    }

    private static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);
}
