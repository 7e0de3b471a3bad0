// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Execution.Concurrency;

/// <summary>The counters of one account and region: its unreserved pool is the limit minus every reservation.</summary>
internal sealed class AccountConcurrency(Scope scope, int limit)
{
    public readonly Scope Scope = scope;
    public readonly int Limit = limit;

    /// <summary>The sum of the scope's reservations.</summary>
    public int TotalReserved;

    /// <summary>Invocations running on the unreserved pool.</summary>
    public int UnreservedInFlight;

    /// <summary>1 when a queued event waits for the unreserved pool to free up.</summary>
    public int Watched;

    public int UnreservedLimit => Math.Max(0, Limit - Volatile.Read(ref TotalReserved));
}
