// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Events.Queues;

/// <summary>
/// "A message may be available" for one queue. A waiter takes <see cref="Current"/> before it looks at the store, so
/// a send that lands after the look completes the task it then awaits: no wake-up is lost and nobody polls.
/// </summary>
internal sealed class QueueSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Current => Volatile.Read(ref _next).Task;

    public void Notify()
    {
        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _next, fresh).TrySetResult();
    }
}
