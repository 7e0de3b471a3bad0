// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Nimbus.Server.PowerTuning;

/// <summary>What the tuning itself cost: every invocation it made (executionCost is Step Functions' on AWS: 0 here).</summary>
internal sealed record PowerTuningCosts
{
    [JsonPropertyName("executionCost")]
    public double ExecutionCost { get; init; }

    [JsonPropertyName("lambdaCost")]
    public required double LambdaCost { get; init; }
}
