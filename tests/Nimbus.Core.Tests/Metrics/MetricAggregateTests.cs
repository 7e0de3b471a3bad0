// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Metrics;

namespace Nimbus.Core.Tests.Metrics;

public sealed class MetricAggregateTests
{
    [Theory]
    [InlineData(50, 50)]
    [InlineData(90, 90)]
    [InlineData(99, 99)]
    public void Percentile_OfOneToAHundred_IsWithinHalfABucket(double percentile, double expected)
    {
        var aggregate = MetricAggregate.Distribution();
        for (var i = 1; i <= 100; i++)
        {
            aggregate.Add(i);
        }

        var value = aggregate.Percentile(percentile)!.Value;

        Assert.InRange(value, expected * 0.955, expected * 1.045);
    }

    [Fact]
    public void Statistics_OfValues_AreExact()
    {
        var aggregate = MetricAggregate.Distribution();
        foreach (var value in new[] { 4.0, 1.5, 10.0 })
        {
            aggregate.Add(value);
        }

        aggregate.Add(2, count: 2);

        Assert.Equal(5, aggregate.SampleCount);
        Assert.Equal(19.5, aggregate.Sum);
        Assert.Equal(1.5, aggregate.Minimum);
        Assert.Equal(10, aggregate.Maximum);
        Assert.Equal(3.9, aggregate.Average, 10);
        Assert.Equal(10, aggregate.Percentile(100));
        Assert.Equal(1.5, aggregate.Percentile(0));
    }

    [Fact]
    public void Merge_OfTwoMinutes_EqualsOneMinuteOfBoth()
    {
        var first = MetricAggregate.Distribution();
        var second = MetricAggregate.Distribution();
        var both = MetricAggregate.Distribution();
        for (var i = 1; i <= 500; i++)
        {
            (i % 2 == 0 ? first : second).Add(i * 0.7);
            both.Add(i * 0.7);
        }

        var merged = new MetricAggregate();
        merged.Merge(first);
        merged.Merge(second);

        Assert.Equal(both.SampleCount, merged.SampleCount);
        Assert.Equal(both.Sum, merged.Sum, 6);
        Assert.Equal(both.Minimum, merged.Minimum);
        Assert.Equal(both.Maximum, merged.Maximum);
        Assert.Equal(both.Percentile(50), merged.Percentile(50));
        Assert.Equal(both.Percentile(99), merged.Percentile(99));
    }

    [Fact]
    public void Merge_WithAStatisticSet_LosesPercentilesButKeepsStatistics()
    {
        var values = MetricAggregate.Distribution();
        values.Add(3);
        var merged = new MetricAggregate();
        merged.Merge(values);
        merged.Merge(MetricAggregate.Of(sampleCount: 4, sum: 10, minimum: 1, maximum: 4, buckets: null));

        Assert.Null(merged.Percentile(50));
        Assert.Equal(5, merged.SampleCount);
        Assert.Equal(13, merged.Sum);
        Assert.Equal(1, merged.Minimum);
        Assert.Equal(4, merged.Maximum);
    }

    [Fact]
    public void Histogram_SpansMicrosecondsToDaysOfMilliseconds()
    {
        Assert.Equal(0, MetricHistogram.Index(0));
        Assert.Equal(0, MetricHistogram.Index(-5));
        Assert.True(MetricHistogram.Index(0.01) < MetricHistogram.Index(1));
        Assert.True(MetricHistogram.Index(900_000) < MetricHistogram.Count - 1);
        Assert.Equal(MetricHistogram.Count - 1, MetricHistogram.Index(double.MaxValue));
    }
}
