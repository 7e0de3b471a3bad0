// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// The fields of Put/UpdateFunctionEventInvokeConfig. Null means "not given"; a destination given as an empty
/// object (<c>"OnSuccess": {}</c>) is an empty string here and clears it.
/// </summary>
public sealed record EventInvokeConfigChange
{
    public int? MaximumRetryAttempts { get; init; }

    public int? MaximumEventAgeInSeconds { get; init; }

    public bool HasDestinationConfig { get; init; }

    public string? OnSuccess { get; init; }

    public string? OnFailure { get; init; }
}
