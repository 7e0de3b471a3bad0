// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;

namespace Nimbus.Events.Tests.Queues;

/// <summary>A fake clock that signals when code under test arms its first timer: the signal that a waiter went to sleep.</summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly TaskCompletionSource _timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first timer is created.</summary>
    public Task TimerCreated => _timerCreated.Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timerCreated.TrySetResult();
        return timer;
    }
}
