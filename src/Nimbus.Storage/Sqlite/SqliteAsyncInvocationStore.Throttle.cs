// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>Deferring and resuming the queued events of a throttled function, each in one statement.</summary>
internal sealed partial class SqliteAsyncInvocationStore
{
    public async Task<int> DeferFunctionAsync(Scope scope, string functionName, DateTimeOffset dueBy, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(functionName);
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE async_invocations SET next_attempt_at = @until
                    WHERE account = @account AND region = @region AND function_name = @name AND next_attempt_at <= @dueBy
                    """);
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@dueBy", dueBy.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("@until", until.ToUnixTimeMilliseconds());
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    public async Task<int> ResumeFunctionAsync(
        Scope scope,
        string functionName,
        DateTimeOffset deferredFrom,
        DateTimeOffset deferredTo,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(functionName);
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    UPDATE async_invocations SET next_attempt_at = @now
                    WHERE account = @account AND region = @region AND function_name = @name
                      AND next_attempt_at >= @from AND next_attempt_at <= @to
                    """);
                AddKey(command, scope, functionName);
                command.Parameters.AddWithValue("@from", deferredFrom.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("@to", deferredTo.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }
}
