// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Diagnostics;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Metrics;
using Nimbus.Core.Storage;
using Nimbus.Core.Threading;
using Nimbus.Core.Tracing;
using Nimbus.Execution.Concurrency;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Async;

/// <summary>
/// Delivers queued asynchronous invocations at least once: an event leaves the queue only after the function
/// handled it, or after its retries or its maximum age ran out. It sleeps until the next event is due or a new
/// one arrives; after a restart it resumes from the queue. An event the concurrency gate throttles stays queued
/// without using up an attempt (AsyncInvocationWorker.Throttles.cs).
/// </summary>
public sealed partial class AsyncInvocationWorker(
    IAsyncInvocationStore queue,
    FunctionService functions,
    IInvocationService invoker,
    ConcurrencyGate gate,
    IOptions<AsyncInvokeOptions> options,
    TimeProvider time,
    ILogger<AsyncInvocationWorker> logger,
    IQueueDestination? queues = null,
    FunctionRoleAccess? roles = null,
    IMetricsRecorder? metrics = null) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Tells the worker that an event was queued.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        gate.CapacityFreed += OnCapacityFreed;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ForgetEnded();
                await ResumeFreedAsync(stoppingToken);
                var free = settings.Concurrency - _inFlight.Count;
                if (free > 0)
                {
                    foreach (var invocation in await queue.ListDueAsync(time.GetUtcNow(), settings.Concurrency * 2, stoppingToken))
                    {
                        if (free == 0)
                        {
                            break;
                        }

                        if (!_inFlight.ContainsKey(invocation.RequestId))
                        {
                            _inFlight[invocation.RequestId] = DeliverAsync(invocation, settings, stoppingToken);
                            free--;
                        }
                    }
                }

                await WaitForWorkAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            gate.CapacityFreed -= OnCapacityFreed;
        }

        await Task.WhenAll(_inFlight.Values);
    }

    /// <summary>
    /// Drops the deliveries that ended from <see cref="_inFlight"/>. Only here, before the queue is listed: a delivery
    /// that ends while a list is being read (its event still in that list, already completed in the store) stays in
    /// <see cref="_inFlight"/> until then, so the stale entry is skipped. Removed by the delivery itself, the event
    /// was delivered a second time (a CI failure: one failure record sent twice to its destination).
    /// </summary>
    private void ForgetEnded()
    {
        foreach (var (requestId, delivery) in _inFlight)
        {
            if (delivery.IsCompleted)
            {
                _inFlight.TryRemove(requestId, out _);
            }
        }
    }

    /// <summary>Waits until an event is queued, one in flight finishes, or the next retry falls due.</summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waits = new List<Task> { _wake.Reader.WaitToReadAsync(wait.Token).AsTask() };
        if (_inFlight.Count < options.Value.Concurrency)
        {
            // The earliest queued event that is not already being delivered.
            foreach (var queued in await queue.ListDueAsync(DateTimeOffset.MaxValue, _inFlight.Count + 1, stoppingToken))
            {
                if (!_inFlight.ContainsKey(queued.RequestId))
                {
                    var delay = queued.NextAttemptAt - time.GetUtcNow();
                    waits.Add(Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, time, wait.Token));
                    break;
                }
            }
        }

        waits.AddRange(_inFlight.Values);
        await Task.WhenAny(waits);
        _wake.Reader.TryRead(out _);
        await wait.CancelAsync();
    }

    private async Task DeliverAsync(AsyncInvocation invocation, AsyncInvokeOptions settings, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            InvokeTarget target;
            try
            {
                // Resolved at delivery: an alias that moved since the event was queued runs its new version, as on AWS.
                target = await functions.GetForInvokeAsync(invocation.Scope, invocation.FunctionName, invocation.Qualifier, stoppingToken);
            }
            catch (LambdaException ex) when (ex.ErrorType == LambdaErrors.ResourceNotFoundType)
            {
                Log.Dropped(logger, invocation.FunctionName, invocation.RequestId, "the function no longer exists");
                await queue.CompleteAsync(invocation.RequestId, stoppingToken);
                return;
            }

            var config = await functions.FindEventInvokeConfigAsync(invocation.Scope, target.Record.Name, invocation.Qualifier, stoppingToken);
            var maximumRetries = config?.MaximumRetryAttempts ?? settings.MaximumRetryAttempts;
            var maximumAge = config?.MaximumEventAgeInSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : settings.MaximumEventAge;
            var resolved = ResolvedFunction.Choose(invocation.Scope, target);
            var outcome = new Outcome(invocation, target, resolved.Version, config);
            var age = time.GetUtcNow() - invocation.EnqueuedAt;
            if (age > maximumAge)
            {
                Log.Dropped(logger, invocation.FunctionName, invocation.RequestId, InvocationRecord.EventAgeExceeded);
                await FailAsync(outcome, InvocationRecord.EventAgeExceeded, invocation.Attempts, null, invocation.TraceId, stoppingToken);
                await queue.CompleteAsync(invocation.RequestId, stoppingToken);
                return;
            }

            // The chain this event belongs to (its trace header's lineage) counts one more invocation of this function.
            if (RecursiveLoops.Stops(target.Record, invocation.TraceId, time, out var trace))
            {
                metrics?.Lambda(invocation.Scope, invocation.FunctionName, invocation.Qualifier, LambdaMetric.RecursiveInvocationsDropped, 1);
                Log.RecursiveLoop(logger, invocation.FunctionName, invocation.RequestId, RecursiveLoops.MaxInvocationsPerChain);
                await FailAsync(outcome, InvocationRecord.RecursiveLoop, invocation.Attempts, null, invocation.TraceId, stoppingToken);
                await queue.CompleteAsync(invocation.RequestId, stoppingToken);
                return;
            }

            metrics?.Lambda(invocation.Scope, invocation.FunctionName, invocation.Qualifier, LambdaMetric.AsyncEventAge, age.TotalMilliseconds);
            // The sampling decision is the function's (TracingConfig) before the delivery's spans start, so that they agree.
            trace = TraceDecision.Decide(trace, resolved.Version.TracingMode, null, time);
            using var delivery = NimbusTracing.StartDelivery(trace, invocation.EnqueuedAt, "async", time);
            var invoked = await invoker.InvokeAsync(
                resolved, new RequestId(invocation.RequestId), invocation.Payload, InvocationType.Event, trace, invocation.ClientContext, stoppingToken);
            // A warm runtime's answer completes on the event thread that read it; what follows writes the store.
            await EventThreads.Leave();
            if (!invoked.Ran)
            {
                // Past a concurrency limit the event waits in the queue without using up a retry.
                await DeferThrottledAsync(invocation, invoked.Throttle, settings, stoppingToken);
                return;
            }

            var result = invoked.Result;
            var attempts = invocation.Attempts + 1;
            if (result.FunctionError is null)
            {
                if (config?.OnSuccess is { } onSuccess)
                {
                    await SendRecordAsync(outcome, onSuccess, InvocationRecord.Success, attempts, result, trace, stoppingToken);
                }

                await queue.CompleteAsync(invocation.RequestId, stoppingToken);
                return;
            }

            if (attempts > maximumRetries)
            {
                Log.Dropped(logger, invocation.FunctionName, invocation.RequestId, $"RetriesExhausted after {attempts} attempts ({ErrorTypeOf(result)})");
                await FailAsync(outcome, InvocationRecord.RetriesExhausted, attempts, result, trace, stoppingToken);
                await queue.CompleteAsync(invocation.RequestId, stoppingToken);
                return;
            }

            var delays = settings.RetryDelays;
            var delay = delays.Count == 0 ? TimeSpan.Zero : delays[Math.Min(attempts - 1, delays.Count - 1)];
            await queue.RescheduleAsync(invocation.RequestId, attempts, time.GetUtcNow() + delay, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Still queued: delivered after the restart.
        }
        catch (Exception ex)
        {
            // A platform fault: keep the event and try again shortly.
            Log.DeliveryFailed(logger, ex, invocation.FunctionName, invocation.RequestId);
            await queue.RescheduleAsync(invocation.RequestId, invocation.Attempts, time.GetUtcNow() + TimeSpan.FromSeconds(5), CancellationToken.None);
        }
        finally
        {
            // Left in _inFlight: the loop forgets it (ForgetEnded) before its next list of the queue.
            Wake();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Could not make the throttled events of {FunctionName} due again; they run when their wait is over")]
        public static partial void ResumeFailed(ILogger logger, Exception exception, string functionName);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Asynchronous invocation {RequestId} of {FunctionName} throttled ({Reason}); queued events of the function wait until {Until}")]
        public static partial void Throttled(ILogger logger, string functionName, string requestId, ThrottleReason reason, DateTimeOffset until);

        [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Dropped asynchronous invocation {RequestId} of {FunctionName}: {Reason}")]
        public static partial void Dropped(ILogger logger, string functionName, string requestId, string reason);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Could not deliver asynchronous invocation {RequestId} of {FunctionName}; retrying")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, string functionName, string requestId);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Stopped a recursive loop: event {RequestId} would invoke {FunctionName} more than {Limit} times in one chain; sent to its on-failure destination or dead-letter queue")]
        public static partial void RecursiveLoop(ILogger logger, string functionName, string requestId, int limit);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Could not deliver the outcome of {RequestId} of {FunctionName} to {Destination}: {Reason}")]
        public static partial void DestinationFailed(ILogger logger, string functionName, string requestId, string destination, string reason);
    }
}
