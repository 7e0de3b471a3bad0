// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Storage;

/// <summary>An accepted asynchronous invocation (InvocationType Event), durable until it is handled.</summary>
public sealed record AsyncInvocation
{
    public required string RequestId { get; init; }

    public required Scope Scope { get; init; }

    public required string FunctionName { get; init; }

    public string? Qualifier { get; init; }

    public required byte[] Payload { get; init; }

    public string? ClientContext { get; init; }

    public string? TraceId { get; init; }

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; init; }

    public DateTimeOffset EnqueuedAt { get; init; }

    public DateTimeOffset NextAttemptAt { get; init; }
}
