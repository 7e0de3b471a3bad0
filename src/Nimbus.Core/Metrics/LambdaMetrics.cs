// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>The name, unit and kind of each <see cref="LambdaMetric"/>.</summary>
public static class LambdaMetrics
{
    public const int Count = (int)LambdaMetric.PostRuntimeExtensionsDuration + 1;

    private static readonly string[] s_names = Enum.GetNames<LambdaMetric>();

    public static string Name(LambdaMetric metric) => s_names[(int)metric];

    public static string Unit(LambdaMetric metric) => metric switch
    {
        LambdaMetric.Duration or LambdaMetric.AsyncEventAge or LambdaMetric.PostRuntimeExtensionsDuration => MetricNames.Milliseconds,
        LambdaMetric.ProvisionedConcurrencyUtilization => MetricNames.None,
        _ => MetricNames.Count,
    };

    /// <summary>Whether the metric's values are kept one by one in a histogram (so its percentiles can be told).</summary>
    public static bool IsDistribution(LambdaMetric metric) => metric is LambdaMetric.Duration or LambdaMetric.AsyncEventAge or LambdaMetric.PostRuntimeExtensionsDuration;
}
