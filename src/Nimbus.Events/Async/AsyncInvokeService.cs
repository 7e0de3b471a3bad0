// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Metrics;
using Nimbus.Core.Storage;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Async;

/// <summary>
/// Accepts Event invocations: commits each to the durable queue before the caller gets its 202, then wakes the
/// <see cref="AsyncInvocationWorker"/>, which delivers it through the same invoke entry point as a synchronous call.
/// </summary>
public sealed class AsyncInvokeService(IAsyncInvocationStore queue, AsyncInvocationWorker worker, TimeProvider time, IMetricsRecorder? metrics = null)
{
    /// <summary>Queues an event for <paramref name="target"/>; durable once this returns.</summary>
    /// <remarks>The version is chosen again at delivery: an alias that moves meanwhile runs its new version, as on AWS.</remarks>
    public async Task EnqueueAsync(ResolvedFunction target, RequestId requestId, byte[] payload, string? clientContext, string? traceHeader, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var invocation = new AsyncInvocation
        {
            RequestId = requestId.Value,
            Scope = target.Scope,
            FunctionName = target.Function.Name,
            Qualifier = target.Qualifier,
            Payload = payload,
            ClientContext = clientContext,
            TraceId = traceHeader,
            EnqueuedAt = now,
            NextAttemptAt = now,
        };
        await queue.EnqueueAsync(invocation, cancellationToken);
        metrics?.Lambda(target.Scope, target.Function.Name, target.Qualifier, LambdaMetric.AsyncEventsReceived, 1);
        worker.Wake();
    }
}
