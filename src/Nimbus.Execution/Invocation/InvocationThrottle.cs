// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Concurrency;

namespace Nimbus.Execution.Invocation;

/// <summary>Why an invocation was refused, in the gate's terms and in AWS's (the ThrottleReason of TooManyRequestsException).</summary>
/// <param name="RetryAfter">When capacity returns, if known (the scaling rate refills on a clock); else null.</param>
public readonly record struct InvocationThrottle(ThrottleReason Reason, TimeSpan? RetryAfter)
{
    /// <summary>
    /// The model's ThrottleReason. The scaling rate (new environments per function per 10 s) has no reason of its
    /// own; it is a per-function rate limit, so the function's invocation-rate reasons fit it best.
    /// </summary>
    public string AwsReason => Reason switch
    {
        ThrottleReason.ReservedConcurrency => "ReservedFunctionConcurrentInvocationLimitExceeded",
        ThrottleReason.AccountConcurrency => "ConcurrentInvocationLimitExceeded",
        ThrottleReason.ReservedScalingRate => "ReservedFunctionInvocationRateLimitExceeded",
        _ => "FunctionInvocationRateLimitExceeded",
    };
}
