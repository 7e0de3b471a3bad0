// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Concurrency;

/// <summary>One admitted invocation; disposing it gives the slot back to the pool it came from.</summary>
internal readonly struct ConcurrencyLease(ConcurrencyGate gate, FunctionConcurrency function, bool unreserved) : IDisposable
{
    /// <summary>Takes one new environment from the function's scaling rate; throws when the burst is used up.</summary>
    public void TakeColdStart() => gate.TakeColdStart(function);

    public void Dispose() => gate.Exit(function, unreserved);
}
