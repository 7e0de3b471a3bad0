// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>A series read for a span: one aggregate per minute that has data, in minute order, and the unit they were recorded in.</summary>
public sealed class MetricReading
{
    public SortedDictionary<long, MetricAggregate> Minutes { get; } = [];

    /// <summary>The unit of the points read (the last one's, when they differ), or null when none was read.</summary>
    public string? Unit { get; set; }

    /// <summary>
    /// The minutes grouped into periods of <paramref name="periodMilliseconds"/> counted from <paramref name="start"/>:
    /// one aggregate per period that has data, keyed by the period's start.
    /// </summary>
    public SortedDictionary<long, MetricAggregate> Periods(long start, long periodMilliseconds)
    {
        var periods = new SortedDictionary<long, MetricAggregate>();
        foreach (var (minute, aggregate) in Minutes)
        {
            var key = start + ((minute - start) / periodMilliseconds * periodMilliseconds);
            if (!periods.TryGetValue(key, out var period))
            {
                periods[key] = period = new MetricAggregate();
            }

            period.Merge(aggregate);
        }

        return periods;
    }
}
