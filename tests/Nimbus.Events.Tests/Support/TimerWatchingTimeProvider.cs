// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Nimbus.Events.Tests.Support;

/// <summary>
/// A fake clock that also tells which timers were made: a test advancing the clock past a backoff must first know the
/// backoff's timer exists (made after the call that caused it returned), or the advance happens before it and the
/// timer waits its whole due time from the new now.
/// </summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<TimeSpan, int> _created = new();

    /// <summary>How many timers were made with <paramref name="dueTime"/> so far.</summary>
    public int Created(TimeSpan dueTime) => _created.TryGetValue(dueTime, out var count) ? count : 0;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.AddOrUpdate(dueTime, 1, static (_, count) => count + 1);
        return timer;
    }
}
