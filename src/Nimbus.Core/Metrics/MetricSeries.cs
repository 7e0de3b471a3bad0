// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Metrics;

/// <summary>
/// One metric as CloudWatch tells metrics apart: account and region, namespace, name, and the exact set of
/// dimensions (<see cref="MetricDimensions"/>' canonical text: sorted by name, so order given does not matter).
/// </summary>
public sealed record MetricSeries(Scope Scope, string Namespace, string MetricName, string Dimensions)
{
    public static MetricSeries Of(Scope scope, string ns, string metricName, IReadOnlyList<MetricDimension> dimensions) =>
        new(scope, ns, metricName, MetricDimensions.Encode(dimensions));
}
