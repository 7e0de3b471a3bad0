// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>The stop: let invocations in flight end, shut every environment down, say what that took.</summary>
public sealed partial class Invoker
{
    /// <summary>After the stop, how long an invocation whose environment was killed may take to record its end.</summary>
    private static readonly TimeSpan s_recordTimeout = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _finishedWhileStopping;
    private int _cutShort;
    private volatile bool _stopping;
    private int _liveAtStop;

    /// <summary>What the last <see cref="ShutdownAsync"/> drained; null before it ran.</summary>
    public ShutdownSummary? Shutdown { get; private set; }

    /// <summary>
    /// Waits until the invocations in flight have ended (or <paramref name="cancellationToken"/>, the host's
    /// shutdown timeout, fires), then shuts every environment down and waits for the invocations that lost theirs
    /// to write their log lines. Idempotent.
    /// </summary>
    public async Task<ShutdownSummary> ShutdownAsync(CancellationToken cancellationToken)
    {
        if (Shutdown is { } done)
        {
            return done;
        }

        BeginStop();
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        try
        {
            await _drained.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's patience is over: what still runs is cut short below.
        }

        await Pool.DisposeAsync();
        await DropTemplatesAsync();
        try
        {
            await _drained.Task.WaitAsync(s_recordTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
        }

        Shutdown = new ShutdownSummary(Volatile.Read(ref _finishedWhileStopping), Volatile.Read(ref _cutShort), _liveAtStop);
        return Shutdown;
    }

    /// <summary>Marks the start of the server's stop: invocations ending from now on are counted in the summary.</summary>
    public void BeginStop()
    {
        if (!_stopping)
        {
            _liveAtStop = Pool.LiveCount;
            _stopping = true;
        }
    }

    private void Entered() => Interlocked.Increment(ref _inFlight);

    /// <summary>Counts an invocation's end; the last one to end during a stop lets the stop go on.</summary>
    private void Left(bool cutShort)
    {
        if (_stopping)
        {
            Interlocked.Increment(ref cutShort ? ref _cutShort : ref _finishedWhileStopping);
        }

        if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping)
        {
            _drained.TrySetResult();
        }
    }
}
