// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Concurrency;

/// <summary>
/// The gate refused an invocation. Expected under load; the caller decides what a throttle means (a 429 for a
/// synchronous invoke, a later attempt for a queued event).
/// </summary>
public sealed class InvocationThrottledException : Exception
{
    public InvocationThrottledException(ThrottleReason reason, TimeSpan? retryAfter = null)
        : base($"Invocation throttled: {reason}")
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    public ThrottleReason Reason { get; }

    /// <summary>When capacity returns, if the gate knows (the scaling rate refills on a clock); else null.</summary>
    public TimeSpan? RetryAfter { get; }
}
