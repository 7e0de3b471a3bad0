// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Mappings;

/// <summary>
/// An event source mapping: a queue (SQS today) polled for batches that invoke a function. Its
/// <see cref="State"/> follows AWS's machine: Creating → Enabled | Disabled, Updating, Enabling, Disabling,
/// Deleting; the transitions after a request are made by the pollers.
/// </summary>
public sealed record EventSourceMapping
{
    public required string Uuid { get; init; }

    public required Scope Scope { get; init; }

    public required string EventSourceArn { get; init; }

    public required string FunctionName { get; init; }

    /// <summary>The version or alias the mapping invokes, as the FunctionName named it; null for unqualified.</summary>
    public string? Qualifier { get; init; }

    public int BatchSize { get; init; } = 10;

    public int MaximumBatchingWindowInSeconds { get; init; }

    public IReadOnlyList<string> FunctionResponseTypes { get; init; } = [];

    public int? MaximumConcurrency { get; init; }

    /// <summary>The filter patterns (JSON text); an event is handled when any matches, or always when there are none.</summary>
    public IReadOnlyList<string>? Filters { get; init; }

    public bool Enabled { get; init; } = true;

    public required string State { get; init; }

    public string StateTransitionReason { get; init; } = "USER_INITIATED";

    public string? LastProcessingResult { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public string FunctionArn => Scope.FunctionArn(FunctionName, Qualifier);

    public string Arn => $"arn:{Scope.Partition}:lambda:{Scope.Region}:{Scope.Account}:event-source-mapping:{Uuid}";

    /// <summary>True when the pollers should be reading the queue.</summary>
    public bool IsPolling =>
        Enabled && State is EventSourceMappingStates.Enabled or EventSourceMappingStates.Creating or EventSourceMappingStates.Enabling or EventSourceMappingStates.Updating;
}
