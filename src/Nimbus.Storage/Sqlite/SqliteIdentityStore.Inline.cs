// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>Inline policies, and every document that applies to a principal (for the authorizer).</summary>
internal sealed partial class SqliteIdentityStore
{
    public Task<bool> PutInlinePolicyAsync(string account, IamEntityKind kind, string entityName, InlinePolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (!await EntityExistsAsync(connection, transaction, account, kind, entityName, ct))
                {
                    return false;
                }

                await using var put = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO iam_inline_policies (account, kind, entity_name, policy_name, document)
                    VALUES (@account, @kind, (SELECT name FROM iam_entities WHERE account = @account AND kind = @kind AND name = @name), @policyName, @document)
                    ON CONFLICT (account, kind, entity_name, policy_name) DO UPDATE SET document = excluded.document, policy_name = excluded.policy_name
                    """);
                AddEntity(put, account, kind, entityName);
                put.Parameters.AddWithValue("@policyName", policy.PolicyName);
                put.Parameters.AddWithValue("@document", policy.Document);
                await put.ExecuteNonQueryAsync(ct);
                return true;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<InlinePolicy>> ListInlinePoliciesAsync(string account, IamEntityKind kind, string entityName, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            "SELECT policy_name, document FROM iam_inline_policies WHERE account = @account AND kind = @kind AND entity_name = @name ORDER BY policy_name COLLATE BINARY",
            command => AddEntity(command, account, kind, entityName),
            static reader => new InlinePolicy(reader.GetString(0), reader.GetString(1)),
            cancellationToken);

    public async Task<bool> DeleteInlinePolicyAsync(string account, IamEntityKind kind, string entityName, string policyName, CancellationToken cancellationToken) =>
        await db.ExecuteWriteAsync(
            "DELETE FROM iam_inline_policies WHERE account = @account AND kind = @kind AND entity_name = @name AND policy_name = @policyName",
            command =>
            {
                AddEntity(command, account, kind, entityName);
                command.Parameters.AddWithValue("@policyName", policyName);
            },
            cancellationToken) == 1;

    public async Task<IReadOnlyList<string>> GetEffectivePolicyDocumentsAsync(string account, IamEntityKind kind, string entityName, CancellationToken cancellationToken) =>
        await db.QueryAsync(
            """
            WITH holders (kind, name) AS (
                SELECT @kind, @name
                UNION ALL
                SELECT 'Group', group_name FROM iam_group_members WHERE @kind = 'User' AND account = @account AND user_name = @name
            )
            SELECT i.document FROM holders h
            JOIN iam_inline_policies i ON i.account = @account AND i.kind = h.kind AND i.entity_name = h.name
            UNION ALL
            SELECT v.document FROM holders h
            JOIN iam_attachments a ON a.account = @account AND a.kind = h.kind AND a.entity_name = h.name
            JOIN iam_policies p ON p.arn = a.policy_arn
            JOIN iam_policy_versions v ON v.policy_arn = p.arn AND 'v' || v.number = p.default_version
            """,
            command => AddEntity(command, account, kind, entityName),
            static reader => reader.GetString(0),
            cancellationToken);
}
