// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>Latencies of successful requests in milliseconds, sorted, and how many requests failed.</summary>
internal sealed record LatencySample(double[] SortedMilliseconds, int Errors)
{
    public double P50 => Stats.Percentile(SortedMilliseconds, 0.50);

    public double P99 => Stats.Percentile(SortedMilliseconds, 0.99);

    public static LatencySample From(IEnumerable<double> milliseconds, int errors)
    {
        var sorted = milliseconds.ToArray();
        Array.Sort(sorted);
        return new LatencySample(sorted, errors);
    }
}
