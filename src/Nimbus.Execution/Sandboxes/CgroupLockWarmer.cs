// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// Keeps the kernel's cgroup migration lock ready for writers while containers start. Moving a process into a cgroup
/// (runc does it for every container's init) takes a lock that every fork and exit on the host reads; unless the host
/// mounted cgroup2 with <c>favordynmods</c>, the first writer after a quiet spell waits for an RCU grace period
/// (7–16 ms on the 2-core machine of 2026-12-05), and the lock goes quiet again a grace period or so after its last
/// writer. While a start is under way, this thread writes the server's own pid into the cgroup the server is already
/// in, every <see cref="Interval"/>: nothing moves, but the lock is taken, so the grace period is waited for here,
/// beside runc's own start, and runc's move finds the lock ready (docs/cold-starts.md, "The cgroup move").
/// </summary>
/// <remarks>
/// A write of a pid that does not exist would move nothing either, but the kernel looks the pid up before it takes
/// the lock (6.18), so it would not help. The cost while a start is under way: one write of a few bytes every
/// <see cref="Interval"/> (~20 µs once the lock is ready), and forks and exits on the host taking the lock's slower
/// path, as they do for a grace period after any cgroup move.
/// </remarks>
internal sealed class CgroupLockWarmer
{
    /// <summary>Well below the 20 ms or more the lock stayed ready after a write on the machine measured.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    private readonly Func<string?> _procsFile;
    private readonly Func<string, string?> _vet;
    private readonly ILogger _logger;

    // An object, not a Lock: the thread waits on it (Monitor.Wait) while no start is under way.
    private readonly object _gate = new();
    private int _starting;
    private bool _requested;
    private bool _disabled;
    private bool _idle = true;
    private TaskCompletionSource? _changed;
    private Thread? _thread;
    private long _writes;

    /// <param name="procsFile">The <c>cgroup.procs</c> of the cgroup this process is in, looked up before each run of writes.</param>
    /// <param name="vet">Why writing this process's pid into that file could move something (null: it cannot).</param>
    /// <param name="logger">Told once when the warmer stops.</param>
    public CgroupLockWarmer(Func<string?> procsFile, Func<string, string?> vet, ILogger logger)
    {
        _procsFile = procsFile;
        _vet = vet;
        _logger = logger;
    }

    /// <summary>Writes made so far (tests).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Starts under way (tests).</summary>
    public int Holding
    {
        get
        {
            lock (_gate)
            {
                return _starting;
            }
        }
    }

    /// <summary>True while the thread waits for a start (or was never started): no write is under way or will be until one.</summary>
    public bool Idle
    {
        get
        {
            lock (_gate)
            {
                return _idle;
            }
        }
    }

    /// <summary>
    /// Completes at the warmer's next change — a write, going idle, stopping — so that a test waits for the state it
    /// needs instead of polling. Take it before looking at the state, then wait if the state is not there yet.
    /// </summary>
    public Task ChangedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _changed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>False once the warmer stopped: the host refused a write, or the write could move something.</summary>
    public bool Enabled
    {
        get
        {
            lock (_gate)
            {
                return !_disabled;
            }
        }
    }

    /// <summary>A container start begins; the lock is kept ready until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        lock (_gate)
        {
            if (_disabled)
            {
                return Scope.None;
            }

            // The thread first: if it cannot be made, nothing was counted.
            _thread ??= StartThread();
            if (++_starting == 1)
            {
                _requested = true;
                Monitor.Pulse(_gate);
            }

            return new Scope(this);
        }
    }

    private void Exit()
    {
        lock (_gate)
        {
            _starting--;
        }
    }

    private Thread StartThread()
    {
        // A thread of its own: the first write blocks for the grace period, which a thread-pool worker should not.
        var thread = new Thread(Run) { IsBackground = true, Name = "cgroup lock warmer" };
        thread.Start();
        return thread;
    }

    private void Run()
    {
        try
        {
            var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            while (true)
            {
                lock (_gate)
                {
                    // At least one run of writes per request, however short the start was (one that ended before this
                    // thread woke still counts as asked).
                    _idle = true;
                    Changed();
                    while (_starting == 0 && !_requested)
                    {
                        Monitor.Wait(_gate);
                    }

                    _requested = false;
                    _idle = false;
                }

                if (_procsFile() is not { } file)
                {
                    Stop("this process's cgroup was not found in /proc/self/cgroup");
                    return;
                }

                if (_vet(file) is { } refusal)
                {
                    Stop(refusal);
                    return;
                }

                while (true)
                {
                    File.WriteAllText(file, pid);
                    Interlocked.Increment(ref _writes);
                    lock (_gate)
                    {
                        Changed();
                    }

                    Thread.Sleep(Interval);
                    lock (_gate)
                    {
                        if (_starting == 0)
                        {
                            break;
                        }
                    }
                }
            }
        }
#pragma warning disable CA1031 // Whatever fails, the warmer stops: an exception on this thread would end the server.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Stop(e.Message);
        }
    }

    private void Stop(string reason)
    {
        try
        {
            RuncLog.CgroupWarmerStopped(_logger, reason);
        }
#pragma warning disable CA1031 // A failing log provider must not end the server from this thread.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        lock (_gate)
        {
            _disabled = true;
            _idle = true;
            Changed();
        }
    }

    /// <summary>Under <see cref="_gate"/>: wakes whoever waits in <see cref="ChangedAsync"/> (nobody, nearly always).</summary>
    private void Changed()
    {
        _changed?.TrySetResult();
        _changed = null;
    }

    /// <summary>One start's hold on the warmer; disposing it again does nothing.</summary>
    public sealed class Scope : IDisposable
    {
        public static readonly Scope None = new(null);

        private CgroupLockWarmer? _warmer;

        internal Scope(CgroupLockWarmer? warmer) => _warmer = warmer;

        public void Dispose() => Interlocked.Exchange(ref _warmer, null)?.Exit();
    }
}
