// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Nimbus.Execution.Sandboxes.Network;

/// <summary>
/// The outbound network of every runc sandbox of this server, in one process: nimbus-net
/// (<c>Network/nimbus-net.c</c>, libslirp, unprivileged). For each sandbox the server makes tap0 in the sandbox's
/// network namespace (<see cref="TapDevice"/>, libnimbus-tap beside nimbus-net) and passes its descriptor to
/// nimbus-net, which runs a user-mode NAT of that sandbox's own on it, as a slirp4netns per sandbox did. The server keeps a copy of every tap: should nimbus-net
/// end, a new one is started and given them all again (open connections are lost, the sandboxes keep their network).
/// nimbus-net ends with its control socket, so it never outlives the server, even after a kill -9.
/// </summary>
internal sealed class SharedNetwork : IDisposable
{
    /// <summary>The helper beside the server's executable, built by <c>./nimbus</c> when libslirp-dev is installed.</summary>
    public const string ExecutableName = "nimbus-net";

    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(1);

    private readonly string _executable;
    private readonly string _library;
    private readonly IReadOnlyList<string> _launcher;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, SafeFileHandle> _taps = [];
    private TapDevice? _tapDevice;
    private NetworkProcess? _helper;
    private ulong _lastId;
    private bool _disposed;

    /// <param name="launcher">A command nimbus-net's path is given to (tests start it in a network namespace of their own); none by default.</param>
    public SharedNetwork(string executable, ILogger logger, IReadOnlyList<string>? launcher = null)
    {
        _executable = executable;
        _library = Path.Combine(Path.GetDirectoryName(executable) ?? ".", TapDevice.LibraryName);
        _launcher = launcher ?? [];
        _logger = logger;
    }

    /// <summary>The running nimbus-net's pid, if one runs.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _helper is { Ended: false } helper ? helper.ProcessId : null;
            }
        }
    }

    /// <summary>nimbus-net beside this server's executable (with libnimbus-tap), or null when it was not built.</summary>
    public static string? Find()
    {
        var path = Path.Combine(AppContext.BaseDirectory, ExecutableName);
        return File.Exists(path) && File.Exists(Path.Combine(AppContext.BaseDirectory, TapDevice.LibraryName)) ? path : null;
    }

    /// <summary>
    /// Gives the sandbox whose init <paramref name="init"/> is its network; disposing the result takes it away. Takes
    /// a fraction of a millisecond (tap0 is made on a thread of its own; nimbus-net is told without waiting).
    /// </summary>
    public IAsyncDisposable Attach(ProcessHandle init)
    {
        // Loaded at the first sandbox (a failure is the sandbox start's, and the next start tries again).
        _tapDevice ??= TapDevice.Load(_library);
        var tap = _tapDevice.Create(init.Descriptor, init.Pid);
        lock (_gate)
        {
            if (_disposed)
            {
                tap.Dispose();
                throw new ObjectDisposedException(nameof(SharedNetwork));
            }

            var id = ++_lastId;
            _taps.Add(id, tap);
            try
            {
                Give(id, tap);
            }
            catch
            {
                _taps.Remove(id);
                tap.Dispose();
                throw;
            }

            return new Attachment(this, id);
        }
    }

    private void Detach(ulong id)
    {
        lock (_gate)
        {
            if (!_taps.Remove(id, out var tap))
            {
                return;
            }

            using (tap)
            {
                // An ended helper holds nothing of the sandbox any more (its watcher starts the next one).
                if (_helper is { Ended: false } helper)
                {
                    try
                    {
                        helper.Send('R', id, null);
                    }
                    catch (IOException)
                    {
                        // Not told, it would keep the tap (and with it the sandbox's namespace): a new one gets the others.
                        TryRestart();
                    }
                }
            }
        }
    }

    /// <summary>Gives the running helper a tap; when there is none (or it has ended), a new one gets every tap. Gate held.</summary>
    private void Give(ulong id, SafeFileHandle tap)
    {
        if (_helper is { Ended: false } helper)
        {
            try
            {
                helper.Send('A', id, tap);
                return;
            }
            catch (IOException)
            {
                // Gone or stuck: the next one gets this tap with the others.
            }
        }

        try
        {
            Restart();
        }
        catch (Exception e) when (e is IOException or SandboxStartException)
        {
            // This sandbox's start fails; the others' networks are tried again in a while.
            RetryLater();
            throw;
        }
    }

    /// <summary>
    /// After a restart that failed: tries again in a while, and again, as long as sandboxes are without a helper (a
    /// quiet server would otherwise leave them so until its next sandbox start). Gate held or not.
    /// </summary>
    private void RetryLater() => _ = RetryAsync();

    private async Task RetryAsync()
    {
        await Task.Delay(RestartPause);
        lock (_gate)
        {
            if (_disposed || _helper is not null || _taps.Count == 0)
            {
                return;
            }

            TryRestart();
        }
    }

    /// <summary><see cref="Restart"/>, and when it fails, said and tried again in a while. Gate held.</summary>
    private void TryRestart()
    {
        try
        {
            Restart();
        }
        catch (Exception e) when (e is IOException or SandboxStartException)
        {
            RuncLog.SharedNetworkRestartFailed(_logger, e);
            RetryLater();
        }
    }

    /// <summary>
    /// Ends the helper (if any) and starts a new one with every tap. Gate held. Should that fail part-way, there is no
    /// helper afterwards, so the next attach (or <see cref="RetryLater"/>) starts again with all of them.
    /// </summary>
    private void Restart()
    {
        _helper?.Dispose();
        _helper = null;
        var helper = NetworkProcess.Start(_executable, _launcher, _logger);
        try
        {
            foreach (var (id, tap) in _taps)
            {
                helper.Send('A', id, tap);
            }
        }
        catch
        {
            helper.Dispose();
            throw;
        }

        _helper = helper;
        _ = WatchAsync(helper);
    }

    private async Task WatchAsync(NetworkProcess helper)
    {
        var started = Environment.TickCount64;
        await helper.Output;
        int sandboxes;
        lock (_gate)
        {
            if (_disposed || _helper != helper)
            {
                return;
            }

            helper.Ended = true;
            sandboxes = _taps.Count;
        }

        RuncLog.SharedNetworkEnded(_logger, helper.ExitDescription(), sandboxes);
        if (Environment.TickCount64 - started < RestartPause.TotalMilliseconds)
        {
            // One that ends at once would be started again in a loop.
            await Task.Delay(RestartPause);
        }

        lock (_gate)
        {
            if (_disposed || _helper != helper || _taps.Count == 0)
            {
                return;
            }

            TryRestart();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _helper?.Dispose();
            _helper = null;
            foreach (var tap in _taps.Values)
            {
                tap.Dispose();
            }

            _taps.Clear();
        }
    }

    /// <summary>One sandbox's network: disposing it ends the sandbox's NAT and closes the server's copy of its tap.</summary>
    private sealed class Attachment(SharedNetwork network, ulong id) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                network.Detach(id);
            }

            return ValueTask.CompletedTask;
        }
    }
}
