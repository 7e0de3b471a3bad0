// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Api.Wire;

// Wire shapes of event source mappings (botocore lambda/2015-03-31: *EventSourceMapping*).
internal sealed record FilterWire
{
    public string? Pattern { get; init; }
}

internal sealed record FilterCriteriaWire
{
    public List<FilterWire>? Filters { get; init; }
}

internal sealed record ScalingConfigWire
{
    public int? MaximumConcurrency { get; init; }
}

/// <summary>
/// Create and Update share this shape. Members Nimbus has no use for with SQS sources are read as raw JSON, so a
/// request that sets one gets AWS's "unsupported parameter" error instead of being silently ignored.
/// </summary>
internal sealed record EventSourceMappingRequestWire
{
    public string? EventSourceArn { get; init; }

    public string? FunctionName { get; init; }

    public bool? Enabled { get; init; }

    public int? BatchSize { get; init; }

    public int? MaximumBatchingWindowInSeconds { get; init; }

    public List<string>? FunctionResponseTypes { get; init; }

    public ScalingConfigWire? ScalingConfig { get; init; }

    public FilterCriteriaWire? FilterCriteria { get; init; }

    public Dictionary<string, string>? Tags { get; init; }

    public JsonElement? StartingPosition { get; init; }

    public JsonElement? StartingPositionTimestamp { get; init; }

    public JsonElement? DestinationConfig { get; init; }

    public JsonElement? ParallelizationFactor { get; init; }

    public JsonElement? MaximumRecordAgeInSeconds { get; init; }

    public JsonElement? BisectBatchOnFunctionError { get; init; }

    public JsonElement? MaximumRetryAttempts { get; init; }

    public JsonElement? TumblingWindowInSeconds { get; init; }

    public JsonElement? Topics { get; init; }

    public JsonElement? Queues { get; init; }

    public JsonElement? SourceAccessConfigurations { get; init; }

    public JsonElement? SelfManagedEventSource { get; init; }
}

internal sealed record EventSourceMappingWire
{
    public required string UUID { get; init; }

    public required int BatchSize { get; init; }

    public required int MaximumBatchingWindowInSeconds { get; init; }

    public required string EventSourceArn { get; init; }

    public FilterCriteriaWire? FilterCriteria { get; init; }

    public ScalingConfigWire? ScalingConfig { get; init; }

    public required string FunctionArn { get; init; }

    /// <summary>Epoch seconds, as the REST-JSON protocol sends the model's Date type.</summary>
    public required double LastModified { get; init; }

    public string? LastProcessingResult { get; init; }

    public required string State { get; init; }

    public required string StateTransitionReason { get; init; }

    public required List<string> FunctionResponseTypes { get; init; }

    public required string EventSourceMappingArn { get; init; }
}

internal sealed record ListEventSourceMappingsResponseWire
{
    public required List<EventSourceMappingWire> EventSourceMappings { get; init; }

    public string? NextMarker { get; init; }
}
