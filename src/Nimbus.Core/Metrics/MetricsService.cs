// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.Core.Metrics;

/// <summary>
/// Metrics over the store and the <see cref="MetricsAggregator"/>: flushes finished minutes, and answers reads with
/// what is stored plus what is not yet (so a figure is visible as soon as it is recorded). A flush and a read never
/// overlap, so no point is seen twice or missed while it moves from memory to the store.
/// </summary>
public sealed class MetricsService(MetricsAggregator aggregator, IMetricStore store, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public MetricsAggregator Aggregator => aggregator;

    /// <summary>Stores the finished minutes (all of them, current included, when <paramref name="all"/>: at shutdown).</summary>
    public async Task<int> FlushAsync(bool all, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var points = aggregator.Collect(all);
            if (points.Count > 0)
            {
                await store.AppendAsync(points, cancellationToken);
            }

            return points.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Users' own points (PutMetricData), stored at once.</summary>
    public async Task PutAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await store.AppendAsync(points, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One aggregate per minute of <paramref name="series"/> in <c>[from, to)</c>, stored and unstored merged, only
    /// of points in <paramref name="unit"/> when one is given; ordered by minute.
    /// </summary>
    public async Task<MetricReading> ReadAsync(MetricSeries series, long from, long to, string? unit, CancellationToken cancellationToken)
    {
        IReadOnlyList<MetricPoint> stored;
        IReadOnlyList<MetricPoint> unstored;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            stored = await store.ReadAsync(series, from, to, cancellationToken);
            unstored = aggregator.Unstored();
        }
        finally
        {
            _gate.Release();
        }

        var reading = new MetricReading();
        Add(reading, stored, series, from, to, unit);
        Add(reading, unstored, series, from, to, unit);
        return reading;
    }

    /// <summary>The series with data (stored or not), as <see cref="IMetricStore.ListAsync"/> with the unstored added.</summary>
    public async Task<IReadOnlyList<MetricSeries>> ListAsync(Scope scope, string? ns, string? metricName, long? activeSince, CancellationToken cancellationToken)
    {
        IReadOnlyList<MetricSeries> stored;
        IReadOnlyList<MetricPoint> unstored;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            stored = await store.ListAsync(scope, ns, metricName, activeSince, cancellationToken);
            unstored = aggregator.Unstored();
        }
        finally
        {
            _gate.Release();
        }

        var all = new HashSet<MetricSeries>(stored);
        foreach (var point in unstored)
        {
            var series = point.Series;
            if (series.Scope == scope && (ns is null || series.Namespace == ns) && (metricName is null || series.MetricName == metricName))
            {
                all.Add(series);
            }
        }

        var list = new List<MetricSeries>(all);
        list.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Namespace, b.Namespace);
            c = c != 0 ? c : string.CompareOrdinal(a.MetricName, b.MetricName);
            return c != 0 ? c : string.CompareOrdinal(a.Dimensions, b.Dimensions);
        });
        return list;
    }

    /// <summary>Deletes what is past <paramref name="retention"/> and beyond <paramref name="maxPoints"/>.</summary>
    public Task<long> SweepAsync(TimeSpan retention, long maxPoints, CancellationToken cancellationToken) =>
        store.SweepAsync((time.GetUtcNow() - retention).ToUnixTimeMilliseconds(), maxPoints, cancellationToken);

    public void Dispose() => _gate.Dispose();

    private static void Add(MetricReading reading, IReadOnlyList<MetricPoint> points, MetricSeries series, long from, long to, string? unit)
    {
        foreach (var point in points)
        {
            if (point.Minute < from || point.Minute >= to || !point.Series.Equals(series) || (unit is not null && point.Unit != unit))
            {
                continue;
            }

            reading.Unit = point.Unit;
            if (!reading.Minutes.TryGetValue(point.Minute, out var aggregate))
            {
                reading.Minutes[point.Minute] = aggregate = new MetricAggregate();
            }

            aggregate.Merge(point.Value);
        }
    }
}
