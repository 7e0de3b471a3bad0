// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Nimbus.Server.PowerTuning;

/// <summary>One memory size's averages.</summary>
internal sealed record PowerTuningStat
{
    [JsonPropertyName("value")]
    public required int Value { get; init; }

    [JsonPropertyName("averagePrice")]
    public required double AveragePrice { get; init; }

    [JsonPropertyName("averageDuration")]
    public required double AverageDuration { get; init; }

    /// <summary>What the size's invocations cost together.</summary>
    [JsonPropertyName("totalCost")]
    public required double TotalCost { get; init; }
}
