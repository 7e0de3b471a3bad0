// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// The typed outcome of one invocation: Success or FunctionError with the function's <see cref="Result"/>, or
/// Throttled with the <see cref="Throttle"/> that refused it. Each caller decides what it means (a 200, a 429, a retry).
/// </summary>
public readonly struct InvocationOutcome
{
    private InvocationOutcome(InvocationOutcomeKind kind, InvocationResult? result, InvocationThrottle throttle)
    {
        Kind = kind;
        Result = result;
        Throttle = throttle;
    }

    public InvocationOutcomeKind Kind { get; }

    /// <summary>The function's result (payload, logs, executed version); null when throttled.</summary>
    public InvocationResult? Result { get; }

    /// <summary>Why it was refused; meaningful only when <see cref="Kind"/> is Throttled.</summary>
    public InvocationThrottle Throttle { get; }

    /// <summary>True when the function ran (Success or FunctionError): <see cref="Result"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Result))]
    public bool Ran => Result is not null;

    public static InvocationOutcome Completed(InvocationResult result) => new(
        result.FunctionError is null ? InvocationOutcomeKind.Success : InvocationOutcomeKind.FunctionError, result, default);

    public static InvocationOutcome Throttled(InvocationThrottle throttle) => new(InvocationOutcomeKind.Throttled, null, throttle);
}
