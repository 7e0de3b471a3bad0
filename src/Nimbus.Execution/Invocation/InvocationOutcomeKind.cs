// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>What became of one invocation.</summary>
public enum InvocationOutcomeKind
{
    /// <summary>The function ran and returned a result.</summary>
    Success,

    /// <summary>The function ran (or tried to) and failed: an error it raised, a timeout, a crash, a failed init.</summary>
    FunctionError,

    /// <summary>Nothing ran: a concurrency limit or the scaling rate refused the invocation.</summary>
    Throttled,
}
