// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Concurrency;

/// <summary>Why the gate refused an invocation.</summary>
public enum ThrottleReason
{
    /// <summary>The function's reserved concurrency is in use (or is 0).</summary>
    ReservedConcurrency,

    /// <summary>The account's unreserved pool is in use.</summary>
    AccountConcurrency,

    /// <summary>The function started its burst of new environments for this 10 s; it has no reservation.</summary>
    ScalingRate,

    /// <summary>The same, for a function with reserved concurrency.</summary>
    ReservedScalingRate,
}
