// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.PowerTuning;

namespace Nimbus.Server.PowerTuning;

/// <summary>What to tune and how (AWS Lambda Power Tuning's input: lambdaARN, powerValues, num, payload, parallelInvocation, strategy, balancedWeight, discardTopBottom).</summary>
internal sealed record PowerTuningRequest
{
    public required string FunctionName { get; init; }

    public required IReadOnlyList<int> PowerValues { get; init; }

    public required int Invocations { get; init; }

    /// <summary>The event of each invocation of a size, in order (<see cref="Nimbus.Core.PowerTuning.PowerTuningPayloads"/>).</summary>
    public required IReadOnlyList<string> Events { get; init; }

    public bool Parallel { get; init; }

    public PowerTuningStrategy Strategy { get; init; } = PowerTuningStrategy.Cost;

    public double BalancedWeight { get; init; } = 0.5;

    public double DiscardTopBottom { get; init; } = 0.2;

    /// <summary>USD per ms at 128 MB; null: AWS Lambda Power Tuning's us-east-1 figure for the function's architecture.</summary>
    public double? BaseCost { get; init; }
}
