// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.Metrics;

namespace Nimbus.Core.Diagnostics;

/// <summary>Nimbus's one Meter and the instruments on it (exported by whatever listens, e.g. OpenTelemetry).</summary>
public static class NimbusMetrics
{
    public const string MeterName = "Nimbus";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>The Meter itself, for parts that add observable instruments (the Prometheus page's gauges).</summary>
    public static Meter Meter => s_meter;

    /// <summary>How long a write transaction on the state store took, from asking for the writer to commit.</summary>
    public static Histogram<double> StoreWriteDuration { get; } =
        s_meter.CreateHistogram(
            "nimbus.store.write.duration",
            unit: "s",
            description: "State store write transactions, queueing for the writer included",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    /// <summary>Events not delivered because their chain invoked the same function too often (AWS: RecursiveInvocationsDropped).</summary>
    public static Counter<long> RecursiveInvocationsDropped { get; } =
        s_meter.CreateCounter<long>("nimbus.recursive_invocations_dropped", description: "Invocations stopped by recursive-loop detection");

    /// <summary>Records that could not be delivered to a destination or dead-letter queue (AWS: DestinationDeliveryFailures, DeadLetterErrors).</summary>
    public static Counter<long> DestinationDeliveryFailures { get; } =
        s_meter.CreateCounter<long>("nimbus.destination_delivery_failures", description: "Invocation records or dead-letter messages that could not be delivered");
}
