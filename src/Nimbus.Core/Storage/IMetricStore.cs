// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Metrics;

namespace Nimbus.Core.Storage;

/// <summary>Metric points at 1-minute resolution, kept until swept (CloudWatch's GetMetricStatistics/ListMetrics data).</summary>
public interface IMetricStore
{
    /// <summary>Stores points; a series and minute may be stored more than once (reads merge them).</summary>
    Task AppendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken);

    /// <summary>The points of one series with <c>fromMinute &lt;= minute &lt; toMinute</c> (Unix milliseconds), in minute order.</summary>
    Task<IReadOnlyList<MetricPoint>> ReadAsync(MetricSeries series, long fromMinute, long toMinute, CancellationToken cancellationToken);

    /// <summary>
    /// The series of the scope, optionally of one namespace and metric name, that have a point at or after
    /// <paramref name="activeSince"/> (when given), ordered by namespace, name and dimensions.
    /// </summary>
    Task<IReadOnlyList<MetricSeries>> ListAsync(Scope scope, string? ns, string? metricName, long? activeSince, CancellationToken cancellationToken);

    /// <summary>Deletes points before <paramref name="before"/>, then the oldest beyond <paramref name="maxPoints"/>; returns how many.</summary>
    Task<long> SweepAsync(long before, long maxPoints, CancellationToken cancellationToken);
}
