// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.Metrics;

namespace Nimbus.Core.Diagnostics;

/// <summary>Nimbus's one Meter and the instruments on it (exported by whatever listens, e.g. OpenTelemetry).</summary>
public static class NimbusMetrics
{
    public const string MeterName = "Nimbus";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Events not delivered because their chain invoked the same function too often (AWS: RecursiveInvocationsDropped).</summary>
    public static Counter<long> RecursiveInvocationsDropped { get; } =
        s_meter.CreateCounter<long>("nimbus.recursive_invocations_dropped", description: "Invocations stopped by recursive-loop detection");

    /// <summary>Records that could not be delivered to a destination or dead-letter queue (AWS: DestinationDeliveryFailures, DeadLetterErrors).</summary>
    public static Counter<long> DestinationDeliveryFailures { get; } =
        s_meter.CreateCounter<long>("nimbus.destination_delivery_failures", description: "Invocation records or dead-letter messages that could not be delivered");
}
