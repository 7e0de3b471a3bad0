// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;
using Nimbus.Events.Tests.Support;

namespace Nimbus.Events.Tests.Async;

/// <summary>
/// A delivery that ends while the worker is listing the queue (the CI failure of events.py failure_record_to_function:
/// one failure record sent twice): the list still holds the event, which the delivery has already completed in the
/// store; the worker must not deliver it again.
/// </summary>
public sealed class StaleListRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deliver_EndingWhileTheQueueIsListed_IsNotDeliveredAgain()
    {
        StaleListStore? store = null;
        await using var harness = await AsyncWorkerHarness.StartAsync(
            options => options.MaximumRetryAttempts = 0,
            queue: inner => store = new StaleListStore(inner));
        await harness.CreateFunctionAsync("once");
        var calls = 0;
        harness.Invoker.Answer = async (call, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                // While this delivery runs, the worker lists the queue (this event is still in it) and gets the list
                // only after the delivery has ended.
                store!.HoldNextList = true;
                harness.Worker.Wake();
                await store.ListRead.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            }

            return FakeInvocationService.Success(call.Payload);
        };
        await harness.Worker.StartAsync(Ct);

        await harness.EnqueueAsync("once", "{}");

        await store!.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await store.HeldListReturned.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await store.ListedAfterwards.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Task.Delay(500, Ct); // A second delivery, had one started, calls the invoker right after its yield.

        Assert.Equal(1, Volatile.Read(ref calls));
    }

    /// <summary>The durable queue, whose one held list is read before the delivery completes and returned after.</summary>
    private sealed class StaleListStore(IAsyncInvocationStore inner) : DelegatingAsyncInvocationStore(inner)
    {
        public volatile bool HoldNextList;

        public TaskCompletionSource ListRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource HeldListReturned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ListedAfterwards { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<IReadOnlyList<AsyncInvocation>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
        {
            var list = await Inner.ListDueAsync(now, limit, cancellationToken);
            if (HeldListReturned.Task.IsCompleted)
            {
                ListedAfterwards.TrySetResult();
            }

            if (HoldNextList && list.Count > 0)
            {
                HoldNextList = false;
                ListRead.TrySetResult();
                await Completed.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

                // The delivery's last steps (after its CompleteAsync) run before the stale list comes back.
                await Task.Delay(200, cancellationToken);
                HeldListReturned.TrySetResult();
            }

            return list;
        }

        public override async Task CompleteAsync(string requestId, CancellationToken cancellationToken)
        {
            await Inner.CompleteAsync(requestId, cancellationToken);
            Completed.TrySetResult();
        }
    }
}
