// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>
/// The fixed log-scale buckets every distribution (Duration, AsyncEventAge, users' metrics) is counted in, so that
/// minutes merge by adding counts and percentiles come from the merged counts. Eight buckets per power of two from
/// 2^-10 to 2^40: a percentile is within 4.5% of the true sample (half a bucket's width), then clamped to the
/// minute's Minimum and Maximum. Bucket 0 holds everything at or below 2^-10, zero and negative values included.
/// </summary>
public static class MetricHistogram
{
    public const int BucketsPerOctave = 8;

    private const int MinExponent = -10;
    private const int Octaves = 50;

    /// <summary>The number of buckets.</summary>
    public const int Count = 1 + (Octaves * BucketsPerOctave);

    private static readonly double s_floor = Math.Pow(2, MinExponent);

    /// <summary>The bucket a value is counted in.</summary>
    public static int Index(double value)
    {
        if (!(value > s_floor))
        {
            return 0;
        }

        var index = 1 + (int)((Math.Log2(value) - MinExponent) * BucketsPerOctave);
        return Math.Min(index, Count - 1);
    }

    /// <summary>The value that stands for a bucket: the geometric middle of its bounds.</summary>
    public static double Representative(int index)
    {
        if (index <= 0)
        {
            return s_floor;
        }

        return Math.Pow(2, MinExponent + ((index - 1 + 0.5) / BucketsPerOctave));
    }
}
