// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>One series' statistics over one minute (<paramref name="Minute"/>: its start, Unix milliseconds).</summary>
public sealed record MetricPoint(MetricSeries Series, long Minute, string Unit, MetricAggregate Value);
