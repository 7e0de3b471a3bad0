// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Storage;

/// <summary>
/// Reserved concurrency per function (PutFunctionConcurrency). It belongs to the function as a whole, not to a
/// version, and goes when the function is deleted.
/// </summary>
public interface IConcurrencyStore
{
    /// <summary>The function's reservation, or null when it has none (or does not exist).</summary>
    Task<int?> GetReservedConcurrencyAsync(Scope scope, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the function's reservation in one transaction with the check that the scope's reservations, this one
    /// replacing the function's previous one, add up to at most <paramref name="maxTotalReserved"/>.
    /// </summary>
    Task<ReservationOutcome> TryReserveConcurrencyAsync(Scope scope, string name, int reserved, int maxTotalReserved, CancellationToken cancellationToken);

    /// <summary>Removes the function's reservation (if any); false when the function does not exist.</summary>
    Task<bool> DeleteReservedConcurrencyAsync(Scope scope, string name, CancellationToken cancellationToken);

    /// <summary>The sum of the reservations of a scope's functions.</summary>
    Task<long> GetTotalReservedConcurrencyAsync(Scope scope, CancellationToken cancellationToken);

    /// <summary>Every reservation of every scope (loaded once at start).</summary>
    Task<IReadOnlyList<ReservedConcurrency>> ListReservedConcurrencyAsync(CancellationToken cancellationToken);
}
