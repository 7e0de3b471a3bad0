// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Metrics;
using Nimbus.Core.Queues;
using Nimbus.Core.Storage;

namespace Nimbus.Events.Queues;

/// <summary>
/// Samples every queue's depth once a minute into AWS/SQS's ApproximateNumberOfMessagesVisible and
/// ApproximateAgeOfOldestMessage (seconds), and keeps the last sample for the Prometheus page.
/// </summary>
public sealed class QueueGauges(IQueueStore store, TimeProvider time) : IMetricGaugeSource
{
    private IReadOnlyList<QueueDepth> _last = [];

    /// <summary>The depths measured last.</summary>
    public IReadOnlyList<QueueDepth> Last => Volatile.Read(ref _last);

    public async Task SampleAsync(IMetricsRecorder recorder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        var now = time.GetUtcNow();
        var depths = await store.MeasureQueuesAsync(now, cancellationToken);
        foreach (var depth in depths)
        {
            recorder.Sqs(depth.Scope, depth.Name, SqsMetric.ApproximateNumberOfMessagesVisible, depth.Visible);
            var age = depth.OldestSentAt is { } sent ? Math.Max(0, (now - sent).TotalSeconds) : 0;
            recorder.Sqs(depth.Scope, depth.Name, SqsMetric.ApproximateAgeOfOldestMessage, Math.Floor(age));
        }

        Volatile.Write(ref _last, depths);
    }
}
