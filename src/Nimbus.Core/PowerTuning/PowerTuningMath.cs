// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.PowerTuning;

/// <summary>
/// The arithmetic of power tuning, as AWS Lambda Power Tuning does it: a trimmed mean of each size's durations, Lambda's
/// price of a duration at a memory size (GB-seconds at the architecture's rate plus the per-request charge), and the
/// choice of the best size by strategy.
/// </summary>
public static class PowerTuningMath
{
    /// <summary>USD per GB-second of x86_64 (us-east-1, AWS's published on-demand price, first pricing tier).</summary>
    public const double X86PricePerGbSecond = 0.0000166667;

    /// <summary>USD per GB-second of arm64 (us-east-1, first pricing tier).</summary>
    public const double Arm64PricePerGbSecond = 0.0000133334;

    /// <summary>USD per request ($0.20 per million).</summary>
    public const double RequestPrice = 0.0000002;

    /// <summary>
    /// The mean of <paramref name="values"/> after the lowest and highest <paramref name="discard"/> share of them (each
    /// side, rounded down) are left out: a cold start or a stall does not decide the figure.
    /// </summary>
    public static double TrimmedMean(IReadOnlyList<double> values, double discard)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(discard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(discard, 0.5);
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

    /// <summary>The price of one invocation billed <paramref name="billedMs"/> at <paramref name="memoryMb"/>.</summary>
    public static double Price(int memoryMb, double billedMs, double pricePerGbSecond) =>
        memoryMb / 1024.0 * (billedMs / 1000.0) * pricePerGbSecond + RequestPrice;

    /// <summary>The rate of an architecture as the Lambda API names it (x86_64 or arm64).</summary>
    public static double PricePerGbSecond(string? architecture) =>
        architecture == "arm64" ? Arm64PricePerGbSecond : X86PricePerGbSecond;

    /// <summary>
    /// The best size of <paramref name="stats"/> for <paramref name="strategy"/>; for Balanced,
    /// <paramref name="balancedWeight"/> is the weight of cost (0: speed only, 1: cost only).
    /// </summary>
    public static PowerStats Choose(IReadOnlyList<PowerStats> stats, PowerTuningStrategy strategy, double balancedWeight)
    {
        ArgumentOutOfRangeException.ThrowIfZero(stats.Count);
        var best = stats[0];
        var (minCost, maxCost, minDuration, maxDuration) = (double.MaxValue, double.MinValue, double.MaxValue, double.MinValue);
        foreach (var s in stats)
        {
            (minCost, maxCost) = (Math.Min(minCost, s.AveragePrice), Math.Max(maxCost, s.AveragePrice));
            (minDuration, maxDuration) = (Math.Min(minDuration, s.AverageDuration), Math.Max(maxDuration, s.AverageDuration));
        }

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
            balancedWeight * Scale(s.AveragePrice, minCost, maxCost) + (1 - balancedWeight) * Scale(s.AverageDuration, minDuration, maxDuration);

        static double Scale(double value, double min, double max) => max > min ? (value - min) / (max - min) : 0;
    }
}
