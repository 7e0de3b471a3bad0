// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Nimbus.Server.PowerTuning;

/// <summary>
/// What <c>nimbus power-tune</c> prints: the output of AWS Lambda Power Tuning's state machine (power, cost, duration,
/// stateMachine.executionCost and lambdaCost, stats), so that scripts written for one read the other. Its
/// visualization URL is not made.
/// </summary>
internal sealed record PowerTuningOutput
{
    /// <summary>The best memory size, MB.</summary>
    [JsonPropertyName("power")]
    public required int Power { get; init; }

    /// <summary>Its average price per invocation, USD.</summary>
    [JsonPropertyName("cost")]
    public required double Cost { get; init; }

    /// <summary>Its average duration, ms.</summary>
    [JsonPropertyName("duration")]
    public required double Duration { get; init; }

    [JsonPropertyName("stateMachine")]
    public required PowerTuningCosts StateMachine { get; init; }

    /// <summary>Every size tried, in the order given.</summary>
    [JsonPropertyName("stats")]
    public required IReadOnlyList<PowerTuningStat> Stats { get; init; }
}
