// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>One value of one metric (the metric's index in its <see cref="MetricCatalog"/>).</summary>
public readonly record struct MetricFigure(int Metric, double Value);
