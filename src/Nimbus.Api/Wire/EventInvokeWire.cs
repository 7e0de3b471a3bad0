// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

// Wire shapes of asynchronous invocation settings (botocore lambda/2015-03-31: *FunctionEventInvokeConfig*,
// *FunctionRecursionConfig).
internal sealed record DestinationWire
{
    public string? Destination { get; init; }
}

internal sealed record DestinationConfigWire
{
    public DestinationWire? OnSuccess { get; init; }

    public DestinationWire? OnFailure { get; init; }
}

internal sealed record EventInvokeConfigRequestWire
{
    public int? MaximumRetryAttempts { get; init; }

    public int? MaximumEventAgeInSeconds { get; init; }

    public DestinationConfigWire? DestinationConfig { get; init; }
}

internal sealed record EventInvokeConfigWire
{
    /// <summary>A timestamp in epoch seconds, as the REST-JSON protocol sends the model's Date type.</summary>
    public required double LastModified { get; init; }

    public required string FunctionArn { get; init; }

    public int? MaximumRetryAttempts { get; init; }

    public int? MaximumEventAgeInSeconds { get; init; }

    public required DestinationConfigWire DestinationConfig { get; init; }
}

internal sealed record ListEventInvokeConfigsResponseWire
{
    public required List<EventInvokeConfigWire> FunctionEventInvokeConfigs { get; init; }

    public string? NextMarker { get; init; }
}

internal sealed record RecursionConfigWire
{
    public string? RecursiveLoop { get; init; }
}
