// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Metrics;

/// <summary>
/// The current minute of every metric of one dimension set (a function, a version or alias, an account, a queue).
/// One short lock guards the set; a record for a later minute first moves the finished minute out as points (the
/// only allocation, once a minute). Records that arrive late for a minute already moved out count in the current one.
/// </summary>
public sealed class MetricBucketSet
{
    private readonly Lock _lock = new();
    private readonly MetricCatalog _catalog;
    private readonly MetricAggregate?[] _values;
    private readonly Scope _scope;
    private readonly IReadOnlyList<MetricDimension> _dimensions;
    private MetricSeries[]? _series;
    private long _minute = long.MinValue;

    /// <summary>Invocations of this set running now (Lambda's sets), kept with Interlocked.</summary>
    internal int InFlight;

    public MetricBucketSet(MetricCatalog catalog, Scope scope, IReadOnlyList<MetricDimension> dimensions)
    {
        _catalog = catalog;
        _scope = scope;
        _dimensions = dimensions;
        _values = new MetricAggregate?[catalog.Names.Count];
    }

    public void Record(long minute, int metric, double value, MetricsAggregator owner)
    {
        lock (_lock)
        {
            Advance(minute, owner);
            Value(metric).Add(value);
        }
    }

    /// <summary>Several figures of one invocation under one lock (Invocations, Errors, Duration, ...).</summary>
    public void Record(long minute, ReadOnlySpan<MetricFigure> figures, MetricsAggregator owner)
    {
        lock (_lock)
        {
            Advance(minute, owner);
            foreach (var figure in figures)
            {
                Value(figure.Metric).Add(figure.Value);
            }
        }
    }

    /// <summary>Moves the set's minute out when it is before <paramref name="minute"/>.</summary>
    public void Collect(long minute, MetricsAggregator owner)
    {
        lock (_lock)
        {
            if (_minute < minute)
            {
                MoveOut(owner.Completed);
            }
        }
    }

    /// <summary>Copies of the current minute's figures (for reads that must see what is not stored yet).</summary>
    public void Snapshot(List<MetricPoint> into)
    {
        lock (_lock)
        {
            for (var i = 0; i < _values.Length; i++)
            {
                if (_values[i] is { IsEmpty: false } value)
                {
                    into.Add(new MetricPoint(Series(i), _minute, _catalog.Units[i], value.Copy()));
                }
            }
        }
    }

    private void Advance(long minute, MetricsAggregator owner)
    {
        if (minute > _minute)
        {
            MoveOut(owner.Completed);
            _minute = minute;
        }
    }

    private MetricAggregate Value(int metric) =>
        _values[metric] ??= _catalog.Distributions[metric] ? MetricAggregate.Distribution() : new MetricAggregate();

    private void MoveOut(System.Collections.Concurrent.ConcurrentQueue<MetricPoint> completed)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (_values[i] is { IsEmpty: false } value)
            {
                completed.Enqueue(new MetricPoint(Series(i), _minute, _catalog.Units[i], value.Copy()));
                value.Reset();
            }
        }
    }

    private MetricSeries Series(int metric)
    {
        _series ??= new MetricSeries[_values.Length];
        return _series[metric] ??= MetricSeries.Of(_scope, _catalog.Namespace, _catalog.Names[metric], _dimensions);
    }
}
