// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Concurrency;

/// <summary>
/// The counters of one function (every version): invocations in flight, its reservation, and its token bucket of
/// new environments (the scaling rate). Counters change with Interlocked; the bucket has a short lock of its own,
/// taken only on a cold start and never across an await.
/// </summary>
internal sealed class FunctionConcurrency(AccountConcurrency account, string name)
{
    public readonly AccountConcurrency Account = account;
    public readonly string Name = name;
    public readonly Lock BurstLock = new();

    /// <summary>The reservation, or -1 for none (the unreserved pool).</summary>
    public int Reserved = -1;

    /// <summary>Invocations of the function running, from either pool.</summary>
    public int InFlight;

    /// <summary>1 when a queued event waits for this function's capacity.</summary>
    public int Watched;

    /// <summary>New environments the function may start now (guarded by <see cref="BurstLock"/>).</summary>
    public double Tokens = -1;

    /// <summary>When <see cref="Tokens"/> was last refilled (a <see cref="TimeProvider"/> timestamp).</summary>
    public long RefilledAt;
}
