// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;
using Nimbus.Events.Tests.Support;

namespace Nimbus.Events.Tests.Async;

/// <summary>
/// A throttled function's capacity coming back while its events are being deferred (the CI flake of
/// concurrency.py event_waits_in_queue_until_concurrency_deleted): the resume that runs between the deferral's record
/// and the rows' move must not leave the moved rows waiting out their whole backoff.
/// </summary>
public sealed class ThrottleResumeRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deliver_CapacityFreedWhileTheRowsMove_RunsWithoutWaitingOutTheBackoff()
    {
        RacingStore? racing = null;
        await using var harness = await AsyncWorkerHarness.StartAsync(
            options => options.MaximumRetryAttempts = 0,
            queue: store => racing = new RacingStore(store));
        await harness.CreateFunctionAsync("busy");
        await harness.Concurrency.PutConcurrencyAsync(AsyncWorkerHarness.Scope, "busy", 0, Ct);
        var calls = 0;
        harness.Invoker.Answer = (call, _) => Task.FromResult(
            Interlocked.Increment(ref calls) == 1
                ? Execution.Invocation.InvocationOutcome.Throttled(new(Execution.Concurrency.ThrottleReason.ReservedConcurrency, null))
                : FakeInvocationService.Success(call.Payload));
        racing!.BeforeFirstDefer = async () =>
        {
            // Capacity comes back after the worker recorded the deferral and before the rows move: its resume runs now.
            harness.Gate.Watch(AsyncWorkerHarness.Scope, "busy");
            await harness.Concurrency.DeleteConcurrencyAsync(AsyncWorkerHarness.Scope, "busy", Ct);
            await racing.Resumed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        };
        await harness.Worker.StartAsync(Ct);

        await harness.EnqueueAsync("busy", "{}");

        // The clock does not move: the event runs only if a resume covers the rows moved after the first one.
        using var failSafe = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        failSafe.CancelAfter(TimeSpan.FromSeconds(30));
        while (Volatile.Read(ref calls) < 2)
        {
            await Task.Delay(10, failSafe.Token);
        }

        Assert.Equal(2, harness.Invoker.Calls.Count);
    }

    /// <summary>The durable queue, with a step before its first deferral and a signal at each resume.</summary>
    private sealed class RacingStore(IAsyncInvocationStore inner) : DelegatingAsyncInvocationStore(inner)
    {
        private int _deferred;

        public Func<Task>? BeforeFirstDefer { get; set; }

        public TaskCompletionSource Resumed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<int> DeferFunctionAsync(Scope scope, string functionName, DateTimeOffset dueBy, DateTimeOffset until, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _deferred, 1) == 0 && BeforeFirstDefer is { } step)
            {
                await step();
            }

            return await Inner.DeferFunctionAsync(scope, functionName, dueBy, until, cancellationToken);
        }

        public override async Task<int> ResumeFunctionAsync(
            Scope scope, string functionName, DateTimeOffset deferredFrom, DateTimeOffset deferredTo, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var moved = await Inner.ResumeFunctionAsync(scope, functionName, deferredFrom, deferredTo, now, cancellationToken);
            Resumed.TrySetResult();
            return moved;
        }
    }
}
