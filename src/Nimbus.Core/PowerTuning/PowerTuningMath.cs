// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.PowerTuning;

/// <summary>
/// The arithmetic of power tuning, with AWS Lambda Power Tuning's definitions (its executor and analyzer), so that the
/// same invocations give the same figures: a trimmed mean of each size's billed durations, the price of a duration at a
/// size from a base cost per millisecond at 128 MB (the request charge left out, as there), and the best size by strategy.
/// </summary>
public static class PowerTuningMath
{
    /// <summary>The size base costs are given for, MB.</summary>
    public const int BaseMemoryMb = 128;

    /// <summary>USD per ms at 128 MB on x86_64 (AWS Lambda Power Tuning's us-east-1 figure; $0.0000166667 per GB-second).</summary>
    public const double X86BaseCost = 2.1e-9;

    /// <summary>USD per ms at 128 MB on arm64 (AWS Lambda Power Tuning's us-east-1 figure; $0.0000133334 per GB-second).</summary>
    public const double Arm64BaseCost = 1.7e-9;

    /// <summary>The largest share of fastest and of slowest results an average may leave out.</summary>
    public const double MaximumDiscard = 0.4;

    /// <summary>
    /// The mean of <paramref name="values"/> after the lowest and highest <paramref name="discard"/> share of them (each
    /// side, rounded down) are left out: a cold start or a stall does not decide the figure.
    /// </summary>
    public static double TrimmedMean(IReadOnlyList<double> values, double discard)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(discard);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(discard, MaximumDiscard);
        var sorted = new double[values.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = values[i];
        }

        Array.Sort(sorted);
        var cut = (int)Math.Floor(sorted.Length * discard);
        var sum = 0.0;
        for (var i = cut; i < sorted.Length - cut; i++)
        {
            sum += sorted[i];
        }

        return sum / (sorted.Length - 2 * cut);
    }

    /// <summary>The price of <paramref name="durationMs"/> (rounded up to whole ms) at <paramref name="memoryMb"/>.</summary>
    public static double Price(int memoryMb, double durationMs, double baseCost) =>
        Math.Ceiling(durationMs) * baseCost * memoryMb / BaseMemoryMb;

    /// <summary>The base cost of an architecture as the Lambda API names it (x86_64 or arm64).</summary>
    public static double BaseCost(string? architecture) => architecture == "arm64" ? Arm64BaseCost : X86BaseCost;

    /// <summary>
    /// The best size of <paramref name="stats"/> for <paramref name="strategy"/>; for Balanced,
    /// <paramref name="balancedWeight"/> is the weight of cost (0: speed only, 1: cost only), each figure taken as a
    /// share of the largest one among the sizes.
    /// </summary>
    public static PowerStats Choose(IReadOnlyList<PowerStats> stats, PowerTuningStrategy strategy, double balancedWeight)
    {
        ArgumentOutOfRangeException.ThrowIfZero(stats.Count);
        var (maxCost, maxDuration) = (0.0, 0.0);
        foreach (var s in stats)
        {
            (maxCost, maxDuration) = (Math.Max(maxCost, s.AveragePrice), Math.Max(maxDuration, s.AverageDuration));
        }

        var best = stats[0];
        for (var i = 1; i < stats.Count; i++)
        {
            if (Better(stats[i], best))
            {
                best = stats[i];
            }
        }

        return best;

        bool Better(PowerStats candidate, PowerStats current) => strategy switch
        {
            PowerTuningStrategy.Cost => candidate.AveragePrice < current.AveragePrice
                || (candidate.AveragePrice == current.AveragePrice && candidate.AverageDuration < current.AverageDuration),
            PowerTuningStrategy.Speed => candidate.AverageDuration < current.AverageDuration
                || (candidate.AverageDuration == current.AverageDuration && candidate.AveragePrice < current.AveragePrice),
            _ => Score(candidate) < Score(current),
        };

        double Score(PowerStats s) =>
            balancedWeight * Share(s.AveragePrice, maxCost) + (1 - balancedWeight) * Share(s.AverageDuration, maxDuration);

        static double Share(double value, double max) => max > 0 ? value / max : 0;
    }
}
