// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Permissions;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// Function policies in <c>function_policies</c>, one row per qualifier; the qualifier's RevisionId lives in its own
/// row (<c>functions</c>, <c>function_versions</c>' config, <c>function_aliases</c>) and moves in the same
/// transaction. Triggers remove a policy with its function, version or alias (migration 12).
/// </summary>
internal sealed class SqliteFunctionPolicyStore(SqliteDatabase db) : IFunctionPolicyStore
{
    public async Task<IReadOnlyList<FunctionStatement>> GetPermissionsAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var rows = await db.QueryAsync(
            "SELECT statements FROM function_policies WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier",
            command =>
            {
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@qualifier", qualifier);
            },
            static reader => ReadJson(reader, 0, PolicyJsonContext.Default.ListFunctionStatement),
            cancellationToken);
        return rows.Count == 0 ? [] : rows[0];
    }

    public async Task<bool> TryReplacePermissionsAsync(
        Scope scope,
        string functionName,
        string qualifier,
        IReadOnlyList<FunctionStatement> permissions,
        string expectedRevisionId,
        string newRevisionId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(permissions);
        var statements = JsonSerializer.Serialize([.. permissions], PolicyJsonContext.Default.ListFunctionStatement);
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using (var move = CreateCommand(connection, transaction, MoveRevisionSql(qualifier)))
                {
                    Bind(move, scope, functionName, qualifier);
                    move.Parameters.AddWithValue("@expected", expectedRevisionId);
                    move.Parameters.AddWithValue("@revision", newRevisionId);
                    if (await move.ExecuteNonQueryAsync(ct) != 1)
                    {
                        return false;
                    }
                }

                await using var write = CreateCommand(
                    connection,
                    transaction,
                    permissions.Count == 0
                        ? "DELETE FROM function_policies WHERE account = @account AND region = @region AND function_name = @name AND qualifier = @qualifier"
                        : """
                          INSERT INTO function_policies (account, region, function_name, qualifier, statements)
                          VALUES (@account, @region, @name, @qualifier, @statements)
                          ON CONFLICT (account, region, function_name, qualifier) DO UPDATE SET statements = excluded.statements
                          """);
                Bind(write, scope, functionName, qualifier);
                write.Parameters.AddWithValue("@statements", statements);
                await write.ExecuteNonQueryAsync(ct);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Moves the RevisionId of <c>$LATEST</c>, a version or an alias, if it is still the expected one.</summary>
    private static string MoveRevisionSql(string qualifier)
    {
        if (qualifier == FunctionVersion.Latest)
        {
            return """
                UPDATE functions SET revision_id = @revision, config = json_set(config, '$.RevisionId', @revision)
                WHERE account = @account AND region = @region AND name = @name AND revision_id = @expected
                """;
        }

        // A version is a number; anything else is an alias (an alias name is never all digits).
        return qualifier.AsSpan().ContainsAnyExceptInRange('0', '9')
            ? """
              UPDATE function_aliases SET revision_id = @revision, config = json_set(config, '$.RevisionId', @revision)
              WHERE account = @account AND region = @region AND function_name = @name AND name = @qualifier AND revision_id = @expected
              """
            : """
              UPDATE function_versions SET config = json_set(config, '$.RevisionId', @revision)
              WHERE account = @account AND region = @region AND name = @name AND version = @qualifier
                AND json_extract(config, '$.RevisionId') = @expected
              """;
    }

    private static void Bind(SqliteCommand command, Scope scope, string functionName, string qualifier)
    {
        AddKey(command, scope, functionName);
        command.Parameters.AddWithValue("@qualifier", qualifier);
    }
}
