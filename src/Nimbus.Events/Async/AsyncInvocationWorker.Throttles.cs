// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Async;

/// <summary>
/// Throttled events wait in the durable queue: the function's due events are deferred in one statement (no attempt
/// used up), by a delay that doubles from 1 s while the function stays throttled, up to
/// <see cref="AsyncInvokeOptions.MaximumThrottleDelay"/>; the scaling rate's own wait when it is known. The worker
/// watches the function at the gate, and when a slot frees up (an invocation ends, a reservation changes) it makes
/// the deferred events due at once. Nothing is held in memory but one window of deferral times per function.
/// </summary>
public sealed partial class AsyncInvocationWorker
{
    private readonly ConcurrentDictionary<(Scope Scope, string Name), Deferral> _deferred = new();
    private readonly ConcurrentQueue<(Scope Scope, string? Name)> _freed = new();

    private async Task DeferThrottledAsync(AsyncInvocation invocation, InvocationThrottle throttle, AsyncInvokeOptions settings, CancellationToken stoppingToken)
    {
        var key = (invocation.Scope, invocation.FunctionName);
        var now = time.GetUtcNow();
        var throttles = _deferred.TryGetValue(key, out var previous) ? previous.Throttles : 0;
        var delay = throttle.RetryAfter ?? Backoff(throttles, settings.MaximumThrottleDelay);
        var until = now + delay;

        // Recorded before the rows move, so a resume that runs meanwhile covers them.
        _deferred.AddOrUpdate(
            key,
            static (_, until) => new Deferral(until, until, 1),
            static (_, current, until) => new Deferral(current.From < until ? current.From : until, current.To > until ? current.To : until, current.Throttles + 1),
            until);
        await queue.DeferFunctionAsync(invocation.Scope, invocation.FunctionName, now, until, stoppingToken);
        // And again after: a resume that ran while the rows moved took the record above and missed them; this one is
        // there for the next resume (the Watch below starts one at once when the capacity is back already).
        _deferred.AddOrUpdate(
            key,
            static (_, until) => new Deferral(until, until, 1),
            static (_, current, until) => new Deferral(current.From < until ? current.From : until, current.To > until ? current.To : until, current.Throttles),
            until);
        Log.Throttled(logger, invocation.FunctionName, invocation.RequestId, throttle.Reason, until);

        // The scaling rate refills on a clock (the delay is exact); a concurrency limit frees up when a slot returns.
        if (throttle.RetryAfter is null && gate.Watch(invocation.Scope, invocation.FunctionName))
        {
            OnCapacityFreed(invocation.Scope, invocation.FunctionName);
        }
    }

    private static TimeSpan Backoff(int throttles, TimeSpan maximum)
    {
        var seconds = Math.Pow(2, Math.Min(throttles, 20));
        return seconds >= maximum.TotalSeconds ? maximum : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Raised by the gate on the thread that freed a slot: queue it for the loop and return.</summary>
    private void OnCapacityFreed(Scope scope, string? name)
    {
        _freed.Enqueue((scope, name));
        Wake();
    }

    /// <summary>Makes the deferred events of every function whose capacity came back due now.</summary>
    private async Task ResumeFreedAsync(CancellationToken stoppingToken)
    {
        while (_freed.TryDequeue(out var freed))
        {
            foreach (var key in _deferred.Keys)
            {
                if (key.Scope == freed.Scope && (freed.Name is null || key.Name == freed.Name) && _deferred.TryRemove(key, out var deferral))
                {
                    try
                    {
                        await queue.ResumeFunctionAsync(key.Scope, key.Name, deferral.From, deferral.To, time.GetUtcNow(), stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The events stay deferred and run when their wait is over; nothing is lost.
                        Log.ResumeFailed(logger, ex, key.Name);
                    }
                }
            }
        }
    }

    /// <summary>The range of times a function's throttled events were deferred to, and how often in a row.</summary>
    private readonly record struct Deferral(DateTimeOffset From, DateTimeOffset To, int Throttles);
}
