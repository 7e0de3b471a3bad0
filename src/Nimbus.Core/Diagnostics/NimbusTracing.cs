// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Core.Diagnostics;

/// <summary>
/// Nimbus's one ActivitySource and its span names (docs/tracing.md). Spans exist only while something listens (the
/// OTLP exporter, when TracingOtlpEndpoint is set): without a listener StartActivity returns null and costs a check.
/// </summary>
public static class NimbusTracing
{
    public const string SourceName = "Nimbus";

    /// <summary>One invocation, from the invoke call to its result (Lambda's function segment).</summary>
    public const string Invoke = "Invoke";

    /// <summary>A cold start: sandbox, runtime and the function's init code (Lambda's Initialization subsegment).</summary>
    public const string Init = "Init";

    /// <summary>The time an asynchronous event spent queued before this delivery attempt.</summary>
    public const string QueueWait = "QueueWait";

    /// <summary>The delivery of an asynchronous event or an event source mapping's batch to the function.</summary>
    public const string EventDelivery = "EventDelivery";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// Starts an EventDelivery span for an event or batch carrying <paramref name="traceHeader"/>, after a QueueWait
    /// span from <paramref name="queuedAt"/> to now when the event waited in a queue; null without a listener or a
    /// valid header. The Invoke span of the delivery nests under it.
    /// </summary>
    public static Activity? StartDelivery(string traceHeader, DateTimeOffset? queuedAt, string source, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!Source.HasListeners() || !Tracing.TraceDecision.TryGetContext(traceHeader, out var parent))
        {
            return null;
        }

        if (queuedAt is { } start)
        {
            using var wait = Source.StartActivity(QueueWait, ActivityKind.Consumer, parent, startTime: start);
            wait?.SetTag("messaging.source", source);
            wait?.SetEndTime(time.GetUtcNow().UtcDateTime);
        }

        var delivery = Source.StartActivity(EventDelivery, ActivityKind.Consumer, parent);
        delivery?.SetTag("messaging.source", source);
        return delivery;
    }
}
