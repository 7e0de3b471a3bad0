// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.Metrics;
using Nimbus.Core.Diagnostics;
using Nimbus.Core.Metrics;
using Nimbus.Events.Queues;
using Nimbus.Execution.Invocation;

namespace Nimbus.Api.Prometheus;

/// <summary>
/// The platform's own figures as observable instruments on Nimbus's Meter, read when Prometheus scrapes: invocations,
/// errors, throttles and cold starts per function (counters since start), invocations in flight, environments by
/// state (initializing, warm, busy), stem cells waiting per runtime, and queue depths (sampled once a minute). The state store's write latency is
/// <see cref="NimbusMetrics.StoreWriteDuration"/>, recorded where it happens.
/// </summary>
internal sealed class PlatformInstruments : IDisposable
{
    private readonly Meter _meter;

    public PlatformInstruments(IMeterFactory meters, MetricsAggregator aggregator, Invoker invoker, QueueGauges queues, TimeProvider time)
    {
        _meter = meters.Create(NimbusMetrics.MeterName);
        _meter.CreateObservableCounter("nimbus.invocations", () => PerFunction(aggregator, static t => t.Invocations), description: "Invocations that ran (AWS/Lambda Invocations)");
        _meter.CreateObservableCounter("nimbus.invocation.errors", () => PerFunction(aggregator, static t => t.Errors), description: "Invocations that ended in a function error (AWS/Lambda Errors)");
        _meter.CreateObservableCounter("nimbus.invocation.throttles", () => PerFunction(aggregator, static t => t.Throttles), description: "Invocations refused by a concurrency limit (AWS/Lambda Throttles)");
        _meter.CreateObservableCounter("nimbus.cold_starts", () => PerFunction(aggregator, static t => t.ColdStarts), description: "Invocations that started a new execution environment");
        _meter.CreateObservableGauge("nimbus.invocations.in_flight", () => InFlight(aggregator), description: "Invocations running now");
        _meter.CreateObservableGauge("nimbus.environments", () => Environments(invoker), description: "Live execution environments by state");
        _meter.CreateObservableGauge("nimbus.stem_cells", () => StemCells(invoker), description: "Stem cells started ahead and waiting for a function, by runtime and kind (runtime: interpreter loaded; sandbox: sandbox only)");
        _meter.CreateObservableGauge("nimbus.snapstart.spares", () => SnapStartSpares(invoker), description: "Pre-initialized SnapStart spares ready, by function version (java, dotnet)");
        _meter.CreateObservableGauge("nimbus.queue.messages.visible", () => Queues(queues, static d => d.Visible), description: "Messages visible in each queue (sampled once a minute)");
        _meter.CreateObservableGauge(
            "nimbus.queue.oldest_message.age",
            () => Queues(queues, d => d.OldestSentAt is { } sent ? (long)Math.Max(0, (time.GetUtcNow() - sent).TotalSeconds) : 0),
            unit: "s",
            description: "Age of the oldest message in each queue (sampled once a minute)");
    }

    public void Dispose() => _meter.Dispose();

    private static List<Measurement<long>> PerFunction(MetricsAggregator aggregator, Func<FunctionTotals, long> value)
    {
        var measurements = new List<Measurement<long>>();
        foreach (var (scope, name, totals) in aggregator.FunctionTotals())
        {
            measurements.Add(new Measurement<long>(value(totals), Tag("function_name", name), Tag("region", scope.Region), Tag("account", scope.Account)));
        }

        return measurements;
    }

    private static List<Measurement<int>> InFlight(MetricsAggregator aggregator)
    {
        var measurements = new List<Measurement<int>>();
        foreach (var (scope, name, inFlight) in aggregator.FunctionsInFlight())
        {
            measurements.Add(new Measurement<int>(inFlight, Tag("function_name", name), Tag("region", scope.Region), Tag("account", scope.Account)));
        }

        return measurements;
    }

    private static Measurement<int>[] Environments(Invoker invoker)
    {
        var counts = invoker.Environments();
        return
        [
            new(counts.Initializing, Tag("state", "initializing")),
            new(counts.Warm, Tag("state", "warm")),
            new(counts.Busy, Tag("state", "busy")),
        ];
    }

    private static List<Measurement<int>> StemCells(Invoker invoker)
    {
        var measurements = new List<Measurement<int>>();
        foreach (var ((runtime, kind), waiting) in invoker.StemCellsWaiting())
        {
            measurements.Add(new Measurement<int>(waiting, Tag("runtime", runtime), Tag("kind", kind)));
        }

        return measurements;
    }

    private static List<Measurement<int>> SnapStartSpares(Invoker invoker)
    {
        var measurements = new List<Measurement<int>>();
        foreach (var (account, region, name, version, ready) in invoker.SnapStartSparesReady())
        {
            measurements.Add(new Measurement<int>(ready, Tag("function_name", name), Tag("version", version), Tag("region", region), Tag("account", account)));
        }

        return measurements;
    }

    private static List<Measurement<long>> Queues(QueueGauges queues, Func<Nimbus.Core.Queues.QueueDepth, long> value)
    {
        var measurements = new List<Measurement<long>>();
        foreach (var depth in queues.Last)
        {
            measurements.Add(new Measurement<long>(value(depth), Tag("queue_name", depth.Name), Tag("region", depth.Scope.Region), Tag("account", depth.Scope.Account)));
        }

        return measurements;
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
