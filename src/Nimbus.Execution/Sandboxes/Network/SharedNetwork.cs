// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Nimbus.Execution.Sandboxes.Network;

/// <summary>
/// The outbound network of every runc sandbox of this server, in one process: nimbus-net
/// (<c>Network/nimbus-net.c</c>, libslirp, unprivileged). For each sandbox the server makes tap0 in the sandbox's
/// network namespace (<see cref="TapDevice"/>) and passes its descriptor to nimbus-net, which runs a user-mode NAT of
/// that sandbox's own on it, as a slirp4netns per sandbox did. The server keeps a copy of every tap: should nimbus-net
/// end, a new one is started and given them all again (open connections are lost, the sandboxes keep their network).
/// nimbus-net ends with its control socket, so it never outlives the server, even after a kill -9.
/// </summary>
internal sealed class SharedNetwork : IDisposable
{
    /// <summary>The helper beside the server's executable, built by <c>./nimbus</c> when libslirp-dev is installed.</summary>
    public const string ExecutableName = "nimbus-net";

    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(1);

    private readonly string _executable;
    private readonly string _owner;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, SafeFileHandle> _taps = [];
    private NetworkProcess? _helper;
    private ulong _lastId;
    private bool _disposed;

    /// <param name="owner">Set as <see cref="RuncNetwork.OwnerVariable"/> in its environment (the start-up sweep's mark).</param>
    public SharedNetwork(string executable, string owner, ILogger logger)
    {
        _executable = executable;
        _owner = owner;
        _logger = logger;
    }

    /// <summary>nimbus-net beside this server's executable, or null when it was not built.</summary>
    public static string? Find()
    {
        var path = Path.Combine(AppContext.BaseDirectory, ExecutableName);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Gives the sandbox whose init is <paramref name="pid"/> its network; disposing the result takes it away.</summary>
    public async Task<IAsyncDisposable> AttachAsync(int pid, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var tap = await TapDevice.CreateAsync($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net");
        ulong id;
        lock (_gate)
        {
            if (_disposed)
            {
                tap.Dispose();
                throw new ObjectDisposedException(nameof(SharedNetwork));
            }

            id = ++_lastId;
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
        }

        return new Attachment(this, id);
    }

    private void Detach(ulong id)
    {
        lock (_gate)
        {
            if (!_taps.Remove(id, out var tap))
            {
                return;
            }

            try
            {
                _helper?.Send('R', id, null);
            }
            catch (IOException)
            {
                // The helper ended: nothing of this sandbox is left in it.
            }

            tap.Dispose();
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
                // It ended (its end is seen on another thread): the next one gets this tap with the others.
            }
        }

        Restart();
    }

    /// <summary>A new helper, given every tap. Gate held.</summary>
    private void Restart()
    {
        _helper?.Dispose();
        _helper = null;
        var helper = NetworkProcess.Start(_executable, _owner, _logger);
        _helper = helper;
        _ = WatchAsync(helper);
        foreach (var (id, tap) in _taps)
        {
            helper.Send('A', id, tap);
        }
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

            try
            {
                Restart();
            }
            catch (Exception e) when (e is IOException or SandboxStartException)
            {
                RuncLog.SharedNetworkRestartFailed(_logger, e);
            }
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
