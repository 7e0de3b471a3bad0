// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Arns;
using Nimbus.Core.Metrics;
using Nimbus.TestKit;

namespace Nimbus.Core.Tests.Metrics;

public sealed class MetricsAggregatorTests
{
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 10, 0, 30, TimeSpan.Zero));

    [Fact]
    public void Invocations_AreCountedPerFunctionResourceAndAccount()
    {
        var aggregator = new MetricsAggregator(_time);

        Invoke(aggregator, "f", null, 12, error: false);
        Invoke(aggregator, "f", "live", 20, error: true);
        Invoke(aggregator, "g", null, 5, error: false);
        aggregator.InvocationStarting(Scope, "f", null);
        aggregator.InvocationThrottled(Scope, "f", null);

        var points = aggregator.Unstored();
        Assert.Equal(2, Sum(points, "Invocations", Function("f")));
        Assert.Equal(1, Sum(points, "Errors", Function("f")));
        Assert.Equal(1, Sum(points, "Throttles", Function("f")));
        Assert.Equal(1, Sum(points, "Invocations", Resource("f", "live")));
        Assert.Equal(1, Sum(points, "Errors", Resource("f", "live")));
        Assert.Equal(3, Sum(points, "Invocations", MetricDimensions.None));
        Assert.Equal(32, Sum(points, "Duration", Function("f")));
        var totals = Assert.Single(aggregator.FunctionTotals(), t => t.FunctionName == "f").Totals;
        Assert.Equal((2, 1, 1), (totals.Invocations, totals.Errors, totals.Throttles));
    }

    [Fact]
    public void ConcurrentExecutions_IsTheMostInFlightWhenOneEnded()
    {
        var aggregator = new MetricsAggregator(_time);
        aggregator.InvocationStarting(Scope, "f", null);
        aggregator.InvocationStarting(Scope, "f", null);
        aggregator.InvocationStarting(Scope, "f", null);
        for (var i = 0; i < 3; i++)
        {
            aggregator.InvocationEnded(Scope, "f", null, new InvocationFigures(1, false, false, -1, 0));
        }

        var point = Assert.Single(aggregator.Unstored(), p => p.Series.MetricName == "ConcurrentExecutions" && p.Series.Dimensions == Function("f"));
        Assert.Equal(3, point.Value.Maximum);
        Assert.Equal(0, Assert.Single(aggregator.FunctionsInFlight()).InFlight);
    }

    [Fact]
    public void Collect_TakesOnlyFinishedMinutes_AndEachOnce()
    {
        var aggregator = new MetricsAggregator(_time);
        Invoke(aggregator, "f", null, 3, error: false);

        Assert.Empty(aggregator.Collect());

        _time.Advance(TimeSpan.FromMinutes(1));
        Invoke(aggregator, "f", null, 4, error: false);
        var first = aggregator.Collect();

        var invocations = Assert.Single(first, p => p.Series.MetricName == "Invocations" && p.Series.Dimensions == Function("f"));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), invocations.Minute);
        Assert.Equal(1, invocations.Value.Sum);
        Assert.Empty(aggregator.Collect());
        var rest = aggregator.Collect(all: true);
        Assert.Equal(1, Sum(rest, "Invocations", Function("f")));
        Assert.Empty(aggregator.Unstored());
    }

    [Fact]
    public void Sqs_FiguresAreByQueueName()
    {
        var aggregator = new MetricsAggregator(_time);
        aggregator.Sqs(Scope, "q", SqsMetric.NumberOfMessagesSent, 3);
        aggregator.Sqs(Scope, "q", SqsMetric.NumberOfMessagesSent, 2);

        var point = Assert.Single(aggregator.Unstored());
        Assert.Equal(("AWS/SQS", "NumberOfMessagesSent"), (point.Series.Namespace, point.Series.MetricName));
        Assert.Equal("""[["QueueName","q"]]""", point.Series.Dimensions);
        Assert.Equal(5, point.Value.Sum);
    }

    [Fact]
    public void Disabled_RecordsNothing()
    {
        var aggregator = new MetricsAggregator(_time, enabled: false);
        Invoke(aggregator, "f", "1", 3, error: true);
        aggregator.Sqs(Scope, "q", SqsMetric.NumberOfMessagesSent, 1);

        Assert.Empty(aggregator.Unstored());
        Assert.Empty(aggregator.FunctionTotals());
    }

    [Fact]
    public void Recording_OnceASeriesExists_AllocatesNothing()
    {
        var aggregator = new MetricsAggregator(_time);
        Invoke(aggregator, "f", "live", 3, error: false);
        aggregator.InvocationStarting(Scope, "f", "live");
        aggregator.InvocationThrottled(Scope, "f", "live");

        var allocated = Allocations.LeastOf(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                Invoke(aggregator, "f", "live", i, error: i % 3 == 0);
                aggregator.InvocationStarting(Scope, "f", "live");
                aggregator.InvocationThrottled(Scope, "f", "live");
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Periods_GroupMinutesFromTheStart()
    {
        var reading = new MetricReading();
        foreach (var minute in new[] { 0, 1, 2, 5 })
        {
            var aggregate = new MetricAggregate();
            aggregate.Add(minute + 1);
            reading.Minutes[minute * 60_000L] = aggregate;
        }

        var periods = reading.Periods(start: 0, periodMilliseconds: 180_000);

        Assert.Equal([0L, 180_000L], periods.Keys);
        Assert.Equal(6, periods[0].Sum);
        Assert.Equal(6, periods[180_000].Sum);
    }

    private static void Invoke(MetricsAggregator aggregator, string name, string? qualifier, double duration, bool error)
    {
        aggregator.InvocationStarting(Scope, name, qualifier);
        aggregator.InvocationEnded(Scope, name, qualifier, new InvocationFigures(duration, error, Provisioned: false, UnreservedInFlight: 0, ProvisionedConfigured: 0));
    }

    private static string Function(string name) => MetricDimensions.Encode([new MetricDimension("FunctionName", name)]);

    private static string Resource(string name, string qualifier) =>
        MetricDimensions.Encode([new MetricDimension("Resource", $"{name}:{qualifier}"), new MetricDimension("FunctionName", name)]);

    private static double Sum(IReadOnlyList<MetricPoint> points, string metric, string dimensions)
    {
        double sum = 0;
        foreach (var point in points)
        {
            if (point.Series.MetricName == metric && point.Series.Dimensions == dimensions)
            {
                sum += point.Value.Sum;
            }
        }

        return sum;
    }
}
