// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>Managed policies attached to users, roles and groups; group membership.</summary>
internal sealed partial class SqliteIdentityStore
{
    public Task<IamWriteOutcome> AttachPolicyAsync(string account, IamEntityKind kind, string entityName, string policyArn, int limit, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (!await EntityExistsAsync(connection, transaction, account, kind, entityName, ct))
                {
                    return IamWriteOutcome.NotFound;
                }

                await using var check = CreateCommand(
                    connection,
                    transaction,
                    """
                    SELECT EXISTS (SELECT 1 FROM iam_policies WHERE arn = @arn AND account = @account),
                           EXISTS (SELECT 1 FROM iam_attachments WHERE account = @account AND kind = @kind AND entity_name = @name AND policy_arn = @arn),
                           (SELECT COUNT(*) FROM iam_attachments WHERE account = @account AND kind = @kind AND entity_name = @name)
                    """);
                AddEntity(check, account, kind, entityName);
                check.Parameters.AddWithValue("@arn", policyArn);
                await using (var reader = await check.ExecuteReaderAsync(ct))
                {
                    await reader.ReadAsync(ct);
                    if (reader.GetInt64(0) == 0)
                    {
                        return IamWriteOutcome.PolicyNotFound;
                    }

                    if (reader.GetInt64(1) != 0)
                    {
                        return IamWriteOutcome.Done;
                    }

                    if (reader.GetInt64(2) >= limit)
                    {
                        return IamWriteOutcome.LimitExceeded;
                    }
                }

                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO iam_attachments (account, kind, entity_name, policy_arn)
                    VALUES (@account, @kind, (SELECT name FROM iam_entities WHERE account = @account AND kind = @kind AND name = @name), @arn)
                    """);
                AddEntity(insert, account, kind, entityName);
                insert.Parameters.AddWithValue("@arn", policyArn);
                await insert.ExecuteNonQueryAsync(ct);
                return IamWriteOutcome.Done;
            },
            cancellationToken);

    public Task<IamWriteOutcome> DetachPolicyAsync(string account, IamEntityKind kind, string entityName, string policyArn, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (!await EntityExistsAsync(connection, transaction, account, kind, entityName, ct))
                {
                    return IamWriteOutcome.NotFound;
                }

                await using var delete = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM iam_attachments WHERE account = @account AND kind = @kind AND entity_name = @name AND policy_arn = @arn");
                AddEntity(delete, account, kind, entityName);
                delete.Parameters.AddWithValue("@arn", policyArn);
                return await delete.ExecuteNonQueryAsync(ct) == 1 ? IamWriteOutcome.Done : IamWriteOutcome.NotAttached;
            },
            cancellationToken);

    public async Task<IReadOnlyList<AttachedPolicy>> ListAttachedPoliciesAsync(string account, IamEntityKind kind, string entityName, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            """
            SELECT p.name, p.arn FROM iam_attachments a JOIN iam_policies p ON p.arn = a.policy_arn
            WHERE a.account = @account AND a.kind = @kind AND a.entity_name = @name ORDER BY p.name COLLATE BINARY
            """,
            command => AddEntity(command, account, kind, entityName),
            static reader => new AttachedPolicy(reader.GetString(0), reader.GetString(1)),
            cancellationToken);

    public async Task<IReadOnlyList<(IamEntityKind Kind, string Name)>> ListEntitiesForPolicyAsync(string policyArn, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            "SELECT kind, entity_name FROM iam_attachments WHERE policy_arn = @arn ORDER BY kind, entity_name COLLATE BINARY",
            command => command.Parameters.AddWithValue("@arn", policyArn),
            static reader => (Enum.Parse<IamEntityKind>(reader.GetString(0)), reader.GetString(1)),
            cancellationToken);

    public Task<IamWriteOutcome> AddUserToGroupAsync(string account, string groupName, string userName, CancellationToken cancellationToken) =>
        db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (!await EntityExistsAsync(connection, transaction, account, IamEntityKind.Group, groupName, ct))
                {
                    return IamWriteOutcome.NotFound;
                }

                if (!await EntityExistsAsync(connection, transaction, account, IamEntityKind.User, userName, ct))
                {
                    return IamWriteOutcome.MemberNotFound;
                }

                await using var insert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO iam_group_members (account, group_name, user_name)
                    VALUES (@account, (SELECT name FROM iam_entities WHERE account = @account AND kind = 'Group' AND name = @group),
                                      (SELECT name FROM iam_entities WHERE account = @account AND kind = 'User' AND name = @user))
                    ON CONFLICT DO NOTHING
                    """);
                AddMember(insert, account, groupName, userName);
                await insert.ExecuteNonQueryAsync(ct);
                return IamWriteOutcome.Done;
            },
            cancellationToken);

    public async Task<bool> RemoveUserFromGroupAsync(string account, string groupName, string userName, CancellationToken cancellationToken) =>
        await db.ExecuteWriteAsync(
            "DELETE FROM iam_group_members WHERE account = @account AND group_name = @group AND user_name = @user",
            command => AddMember(command, account, groupName, userName),
            cancellationToken) == 1;

    public async Task<IReadOnlyList<IamEntity>> ListGroupsForUserAsync(string account, string userName, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            """
            SELECT e.entity FROM iam_group_members m JOIN iam_entities e ON e.account = m.account AND e.kind = 'Group' AND e.name = m.group_name
            WHERE m.account = @account AND m.user_name = @user ORDER BY e.name COLLATE BINARY
            """,
            command => AddMember(command, account, string.Empty, userName),
            ReadEntity,
            cancellationToken);

    public async Task<IReadOnlyList<IamEntity>> ListGroupMembersAsync(string account, string groupName, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            """
            SELECT e.entity FROM iam_group_members m JOIN iam_entities e ON e.account = m.account AND e.kind = 'User' AND e.name = m.user_name
            WHERE m.account = @account AND m.group_name = @group ORDER BY e.name COLLATE BINARY
            """,
            command => AddMember(command, account, groupName, string.Empty),
            ReadEntity,
            cancellationToken);

    private static void AddMember(Microsoft.Data.Sqlite.SqliteCommand command, string account, string groupName, string userName)
    {
        command.Parameters.AddWithValue("@account", account);
        command.Parameters.AddWithValue("@group", groupName);
        command.Parameters.AddWithValue("@user", userName);
    }
}
