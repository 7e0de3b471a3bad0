// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.PowerTuning;

namespace Nimbus.Server.PowerTuning;

/// <summary>
/// What to tune and how (AWS Lambda Power Tuning's input: lambdaARN, powerValues, num, payload, parallelInvocation,
/// strategy, balancedWeight, discardTopBottom, onlyColdStarts, sleepBetweenRunsMs, preProcessorARN, postProcessorARN,
/// autoOptimize, autoOptimizeAlias).
/// </summary>
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

    /// <summary>Every invocation a cold start: a version of its own, forced by an environment variable.</summary>
    public bool OnlyColdStarts { get; init; }

    /// <summary>A pause after each invocation but the last of a size, in series (not with <see cref="Parallel"/>).</summary>
    public int SleepBetweenRunsMs { get; init; }

    /// <summary>A function invoked with each event first; its output, when not empty, is the event instead.</summary>
    public string? PreProcessor { get; init; }

    /// <summary>A function invoked with each invocation's output after it.</summary>
    public string? PostProcessor { get; init; }

    /// <summary>Leave $LATEST at the best size found instead of the size it had.</summary>
    public bool AutoOptimize { get; init; }

    /// <summary>With <see cref="AutoOptimize"/>: a version published at the best size, and this alias pointed at it.</summary>
    public string? AutoOptimizeAlias { get; init; }
}
