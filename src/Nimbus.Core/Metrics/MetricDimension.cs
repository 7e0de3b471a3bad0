// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>One name/value pair that, with the others of its metric, names a series (CloudWatch's Dimension).</summary>
public sealed record MetricDimension(string Name, string Value);
