// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Execution.Concurrency;

namespace Nimbus.Events.Invocations;

/// <summary>The gate's throttles as AWS reports them: TooManyRequestsException with a ThrottleReason.</summary>
internal static class Throttles
{
    public static LambdaException ToLambdaError(InvocationThrottledException throttle) => LambdaErrors.TooManyRequests(
        ReasonOf(throttle.Reason),
        throttle.RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null);

    /// <summary>
    /// The model's ThrottleReason for each refusal. The scaling rate (new environments per function per 10 s) has no
    /// reason of its own; it is a per-function rate limit, so the function's invocation-rate reasons fit it best.
    /// </summary>
    public static string ReasonOf(ThrottleReason reason) => reason switch
    {
        ThrottleReason.ReservedConcurrency => "ReservedFunctionConcurrentInvocationLimitExceeded",
        ThrottleReason.AccountConcurrency => "ConcurrentInvocationLimitExceeded",
        ThrottleReason.ReservedScalingRate => "ReservedFunctionInvocationRateLimitExceeded",
        _ => "FunctionInvocationRateLimitExceeded",
    };
}
