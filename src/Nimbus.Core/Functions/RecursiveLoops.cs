// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Diagnostics;
using Nimbus.Core.Tracing;

namespace Nimbus.Core.Functions;

/// <summary>
/// Recursive-loop detection, in one place for every path that delivers an event (asynchronous invocations, event
/// source mappings): the values of a function's recursion config, and how many invocations of one function a chain
/// may hold.
/// </summary>
public static class RecursiveLoops
{
    public const string Terminate = "Terminate";
    public const string Allow = "Allow";

    /// <summary>AWS stops a chain of events once it has invoked the same function about 16 times.</summary>
    public const int MaxInvocationsPerChain = 16;

    /// <summary>
    /// Counts one more invocation of <paramref name="function"/> in the chain <paramref name="incoming"/> carries
    /// (a new chain when null) and gives the header the invocation runs with. True when the chain has invoked the
    /// function more than <see cref="MaxInvocationsPerChain"/> times and its recursion config is Terminate: the event
    /// must not run (counted in AWS's RecursiveInvocationsDropped metric).
    /// </summary>
    public static bool Stops(FunctionRecord function, string? incoming, TimeProvider time, out string next)
    {
        (next, var chain) = TraceHeader.Next(incoming, function.Arn, time);
        if (chain > MaxInvocationsPerChain && function.RecursiveLoop == Terminate)
        {
            NimbusMetrics.RecursiveInvocationsDropped.Add(1, new KeyValuePair<string, object?>("function_name", function.Name));
            return true;
        }

        return false;
    }
}
