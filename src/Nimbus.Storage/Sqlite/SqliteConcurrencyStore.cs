// SPDX-License-Identifier: Apache-2.0
using Microsoft.Data.Sqlite;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;
using static Nimbus.Storage.Sqlite.SqliteData;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// Reserved concurrency in <c>function_concurrency</c>, one row per function with a reservation; the foreign key
/// removes it with the function. Reads join <c>functions</c>, so a row can only count while its function exists.
/// </summary>
internal sealed class SqliteConcurrencyStore(SqliteDatabase db) : IConcurrencyStore
{
    public async Task<int?> GetReservedConcurrencyAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(name);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT c.reserved FROM function_concurrency c
            JOIN functions f ON f.account = c.account AND f.region = c.region AND f.name = c.name
            WHERE c.account = @account AND c.region = @region AND c.name = @name
            """);
        AddKey(command, scope, name);
        return await command.ExecuteScalarAsync(cancellationToken) is long reserved ? (int)reserved : null;
    }

    public async Task<ReservationOutcome> TryReserveConcurrencyAsync(
        Scope scope,
        string name,
        int reserved,
        int maxTotalReserved,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(reserved);

        // One write transaction: two reservations racing each other cannot both pass the account check.
        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                if (!await FunctionExistsAsync(connection, transaction, scope, name, ct))
                {
                    return ReservationOutcome.FunctionNotFound;
                }

                await using (var others = CreateCommand(
                    connection,
                    transaction,
                    """
                    SELECT COALESCE(SUM(c.reserved), 0) FROM function_concurrency c
                    JOIN functions f ON f.account = c.account AND f.region = c.region AND f.name = c.name
                    WHERE c.account = @account AND c.region = @region AND c.name <> @name
                    """))
                {
                    AddKey(others, scope, name);
                    var total = await others.ExecuteScalarAsync(ct) is long sum ? sum : 0;
                    if (total + reserved > maxTotalReserved)
                    {
                        return ReservationOutcome.ExceedsAccountLimit;
                    }
                }

                await using var upsert = CreateCommand(
                    connection,
                    transaction,
                    """
                    INSERT INTO function_concurrency (account, region, name, reserved) VALUES (@account, @region, @name, @reserved)
                    ON CONFLICT (account, region, name) DO UPDATE SET reserved = excluded.reserved
                    """);
                AddKey(upsert, scope, name);
                upsert.Parameters.AddWithValue("@reserved", reserved);
                await upsert.ExecuteNonQueryAsync(ct);
                return ReservationOutcome.Reserved;
            },
            cancellationToken);
    }

    public async Task<bool> DeleteReservedConcurrencyAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(name);

        return await db.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using (var delete = CreateCommand(
                    connection,
                    transaction,
                    "DELETE FROM function_concurrency WHERE account = @account AND region = @region AND name = @name"))
                {
                    AddKey(delete, scope, name);
                    await delete.ExecuteNonQueryAsync(ct);
                }

                return await FunctionExistsAsync(connection, transaction, scope, name, ct);
            },
            cancellationToken);
    }

    public async Task<long> GetTotalReservedConcurrencyAsync(Scope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);

        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT COALESCE(SUM(c.reserved), 0) FROM function_concurrency c
            JOIN functions f ON f.account = c.account AND f.region = c.region AND f.name = c.name
            WHERE c.account = @account AND c.region = @region
            """);
        command.Parameters.AddWithValue("@account", scope.Account);
        command.Parameters.AddWithValue("@region", scope.Region);
        return await command.ExecuteScalarAsync(cancellationToken) is long total ? total : 0;
    }

    public async Task<IReadOnlyList<ReservedConcurrency>> ListReservedConcurrencyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenReadConnectionAsync(cancellationToken);
        await using var command = CreateCommand(
            connection,
            transaction: null,
            """
            SELECT c.account, c.region, c.name, c.reserved FROM function_concurrency c
            JOIN functions f ON f.account = c.account AND f.region = c.region AND f.name = c.name
            ORDER BY c.account, c.region, c.name
            """);
        var reservations = new List<ReservedConcurrency>();
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            reservations.Add(new ReservedConcurrency(new Scope(reader.GetString(0), reader.GetString(1)), reader.GetString(2), reader.GetInt32(3)));
        }

        return reservations;
    }
}
