// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

internal sealed partial class SqliteAsyncInvocationStore(SqliteDatabase db) : IAsyncInvocationStore
{
    public async Task EnqueueAsync(AsyncInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO async_invocations
                        (request_id, account, region, function_name, qualifier, payload, client_context, trace_id, attempts, enqueued_at, next_attempt_at)
                    VALUES
                        (@id, @account, @region, @name, @qualifier, @payload, @clientContext, @traceId, @attempts, @enqueuedAt, @nextAttemptAt)
                    """);
                command.Parameters.AddWithValue("@id", invocation.RequestId);
                command.Parameters.AddWithValue("@account", invocation.Scope.Account);
                command.Parameters.AddWithValue("@region", invocation.Scope.Region);
                command.Parameters.AddWithValue("@name", invocation.FunctionName);
                command.Parameters.AddWithValue("@qualifier", (object?)invocation.Qualifier ?? DBNull.Value);
                command.Parameters.AddWithValue("@payload", invocation.Payload);
                command.Parameters.AddWithValue("@clientContext", (object?)invocation.ClientContext ?? DBNull.Value);
                command.Parameters.AddWithValue("@traceId", (object?)invocation.TraceId ?? DBNull.Value);
                command.Parameters.AddWithValue("@attempts", invocation.Attempts);
                command.Parameters.AddWithValue("@enqueuedAt", invocation.EnqueuedAt.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("@nextAttemptAt", invocation.NextAttemptAt.ToUnixTimeMilliseconds());
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<AsyncInvocation>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT request_id, account, region, function_name, qualifier, payload, client_context, trace_id, attempts, enqueued_at, next_attempt_at
            FROM async_invocations WHERE next_attempt_at <= @now ORDER BY next_attempt_at, enqueued_at LIMIT @limit
            """);
        command.Parameters.AddWithValue("@now", now == DateTimeOffset.MaxValue ? long.MaxValue : now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@limit", limit);
        var due = new List<AsyncInvocation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new AsyncInvocation
            {
                RequestId = reader.GetString(0),
                Scope = new Scope(reader.GetString(1), reader.GetString(2)),
                FunctionName = reader.GetString(3),
                Qualifier = await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4),
                Payload = (byte[])reader.GetValue(5),
                ClientContext = await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6),
                TraceId = await reader.IsDBNullAsync(7, cancellationToken) ? null : reader.GetString(7),
                Attempts = reader.GetInt32(8),
                EnqueuedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
            });
        }

        return due;
    }

    public async Task RescheduleAsync(string requestId, int attempts, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(
                    connection,
                    transaction,
                    "UPDATE async_invocations SET attempts = @attempts, next_attempt_at = @next WHERE request_id = @id");
                command.Parameters.AddWithValue("@id", requestId);
                command.Parameters.AddWithValue("@attempts", attempts);
                command.Parameters.AddWithValue("@next", nextAttemptAt.ToUnixTimeMilliseconds());
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }

    public async Task CompleteAsync(string requestId, CancellationToken cancellationToken)
    {
        await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = CreateCommand(connection, transaction, "DELETE FROM async_invocations WHERE request_id = @id");
                command.Parameters.AddWithValue("@id", requestId);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
    }
}
