// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Environments;

/// <summary>How the runtime answered the init phase or an invocation.</summary>
internal enum OutcomeKind
{
    Ready,
    Success,
    FunctionError,
    InitError,
    Exited,
    Timeout,
}

/// <summary>An answer from the environment, with the body and error details when there are any; Streamed when the body went to the request's sink.</summary>
internal readonly record struct RuntimeOutcome(OutcomeKind Kind, ReadOnlyMemory<byte> Body = default, string? ErrorType = null, string? ContentType = null, string? ExitDescription = null, bool Streamed = false);
