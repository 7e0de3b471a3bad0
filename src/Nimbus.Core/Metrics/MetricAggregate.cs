// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>
/// The statistics of one metric over a span of time: SampleCount, Sum, Minimum, Maximum and, for values that were
/// counted one by one, their <see cref="MetricHistogram"/> counts (null when only a statistic set was given, as
/// PutMetricData's StatisticValues: then no percentile can be told). Not thread-safe: the owner locks.
/// </summary>
public sealed class MetricAggregate
{
    public double SampleCount { get; private set; }

    public double Sum { get; private set; }

    public double Minimum { get; private set; } = double.PositiveInfinity;

    public double Maximum { get; private set; } = double.NegativeInfinity;

    /// <summary>Counts per histogram bucket, or null when the values are not known one by one.</summary>
    public long[]? Buckets { get; private set; }

    public bool IsEmpty => SampleCount <= 0;

    public double Average => SampleCount > 0 ? Sum / SampleCount : 0;

    /// <summary>A new aggregate whose values will be counted one by one (percentiles can be told).</summary>
    public static MetricAggregate Distribution() => new() { Buckets = new long[MetricHistogram.Count] };

    /// <summary>An aggregate of known statistics, with histogram counts if they were kept.</summary>
    public static MetricAggregate Of(double sampleCount, double sum, double minimum, double maximum, long[]? buckets) =>
        new() { SampleCount = sampleCount, Sum = sum, Minimum = minimum, Maximum = maximum, Buckets = buckets };

    /// <summary>Counts <paramref name="value"/> <paramref name="count"/> times.</summary>
    public void Add(double value, double count = 1)
    {
        SampleCount += count;
        Sum += value * count;
        if (value < Minimum)
        {
            Minimum = value;
        }

        if (value > Maximum)
        {
            Maximum = value;
        }

        if (Buckets is not null)
        {
            Buckets[MetricHistogram.Index(value)] += (long)Math.Max(1, Math.Round(count));
        }
    }

    /// <summary>Adds another aggregate's statistics; the histogram survives only when both kept one.</summary>
    public void Merge(MetricAggregate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty)
        {
            return;
        }

        var wasEmpty = IsEmpty;
        SampleCount += other.SampleCount;
        Sum += other.Sum;
        Minimum = Math.Min(Minimum, other.Minimum);
        Maximum = Math.Max(Maximum, other.Maximum);
        if (other.Buckets is null)
        {
            Buckets = null;
        }
        else if (Buckets is not null || wasEmpty)
        {
            Buckets ??= new long[MetricHistogram.Count];
            for (var i = 0; i < Buckets.Length; i++)
            {
                Buckets[i] += other.Buckets[i];
            }
        }
    }

    /// <summary>Empties the aggregate for reuse (its histogram array is kept).</summary>
    public void Reset()
    {
        SampleCount = 0;
        Sum = 0;
        Minimum = double.PositiveInfinity;
        Maximum = double.NegativeInfinity;
        if (Buckets is not null)
        {
            Array.Clear(Buckets);
        }
    }

    /// <summary>A copy, detached from this aggregate's arrays.</summary>
    public MetricAggregate Copy() => Of(SampleCount, Sum, Minimum, Maximum, Buckets is null ? null : (long[])Buckets.Clone());

    /// <summary>
    /// The <paramref name="percentile"/>th percentile (0–100) of the values counted, or null without a histogram or
    /// values: the bucket holding the value of that rank, told by its middle and kept within Minimum and Maximum.
    /// </summary>
    public double? Percentile(double percentile)
    {
        if (Buckets is null || IsEmpty)
        {
            return null;
        }

        long total = 0;
        foreach (var count in Buckets)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        if (percentile >= 100)
        {
            return Maximum;
        }

        if (percentile <= 0)
        {
            return Minimum;
        }

        var rank = (long)Math.Ceiling(percentile / 100 * total);
        long seen = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            seen += Buckets[i];
            if (seen >= rank)
            {
                return Math.Clamp(MetricHistogram.Representative(i), Minimum, Maximum);
            }
        }

        return Maximum;
    }
}
