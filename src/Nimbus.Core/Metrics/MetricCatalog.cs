// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>The metrics of one namespace a <see cref="MetricBucketSet"/> counts: names, units, and which keep histograms.</summary>
public sealed class MetricCatalog
{
    private MetricCatalog(string ns, string[] names, string[] units, bool[] distributions)
    {
        Namespace = ns;
        Names = names;
        Units = units;
        Distributions = distributions;
    }

    public static MetricCatalog Lambda { get; } = Build(
        MetricNames.LambdaNamespace,
        LambdaMetrics.Count,
        static i => LambdaMetrics.Name((LambdaMetric)i),
        static i => LambdaMetrics.Unit((LambdaMetric)i),
        static i => LambdaMetrics.IsDistribution((LambdaMetric)i));

    public static MetricCatalog Sqs { get; } = Build(
        MetricNames.SqsNamespace,
        (int)SqsMetric.ApproximateAgeOfOldestMessage + 1,
        static i => ((SqsMetric)i).ToString(),
        static i => (SqsMetric)i == SqsMetric.ApproximateAgeOfOldestMessage ? MetricNames.Seconds : MetricNames.Count,
        static _ => false);

    public string Namespace { get; }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<string> Units { get; }

    public IReadOnlyList<bool> Distributions { get; }

    private static MetricCatalog Build(string ns, int count, Func<int, string> name, Func<int, string> unit, Func<int, bool> distribution)
    {
        var names = new string[count];
        var units = new string[count];
        var distributions = new bool[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = name(i);
            units[i] = unit(i);
            distributions[i] = distribution(i);
        }

        return new MetricCatalog(ns, names, units, distributions);
    }
}
