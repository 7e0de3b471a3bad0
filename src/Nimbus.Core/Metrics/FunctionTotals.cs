// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>A function's counts since the server started (Prometheus counters).</summary>
public sealed class FunctionTotals
{
    private long _invocations;
    private long _errors;
    private long _throttles;
    private long _coldStarts;

    public long Invocations => Volatile.Read(ref _invocations);

    public long Errors => Volatile.Read(ref _errors);

    public long Throttles => Volatile.Read(ref _throttles);

    public long ColdStarts => Volatile.Read(ref _coldStarts);

    internal void Invoked(bool error, bool coldStart)
    {
        Interlocked.Increment(ref _invocations);
        if (coldStart)
        {
            Interlocked.Increment(ref _coldStarts);
        }

        if (error)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    internal void Throttled() => Interlocked.Increment(ref _throttles);
}
