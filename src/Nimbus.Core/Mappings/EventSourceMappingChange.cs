// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Mappings;

/// <summary>The fields of Create/UpdateEventSourceMapping; null means "not given" (unchanged on update).</summary>
public sealed record EventSourceMappingChange
{
    public string? EventSourceArn { get; init; }

    public string? FunctionName { get; init; }

    public bool? Enabled { get; init; }

    public int? BatchSize { get; init; }

    public int? MaximumBatchingWindowInSeconds { get; init; }

    public IReadOnlyList<string>? FunctionResponseTypes { get; init; }

    /// <summary>Given with ScalingConfig; 0 when ScalingConfig was given without MaximumConcurrency (removes it).</summary>
    public int? MaximumConcurrency { get; init; }

    public IReadOnlyList<string>? Filters { get; init; }

    /// <summary>Tags given to CreateEventSourceMapping.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Members Nimbus has no use for with SQS (StartingPosition, Topics, DestinationConfig, ...), by wire name.</summary>
    public IReadOnlyList<string> UnsupportedMembers { get; init; } = [];
}
