// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// One environment under bwrap: bwrap is the server's child, its init is PID 1 of the environment's pid namespace
/// and nimbus-init runs below it. Killing the tree ends the namespace (and with it everything in it); bwrap's exit
/// is the environment's end. Its output (bwrap's own errors, nimbus-init's) goes to the log.
/// </summary>
internal sealed class BwrapSandbox : ISandbox
{
    private readonly Process _process;
    private readonly string _root;
    private readonly string _environmentId;
    private readonly ProcessTreeMemory _memory;
    private readonly ILogger _logger;
    private readonly Task _stdout;
    private readonly Task _stderr;
    private int _disposed;

    public BwrapSandbox(Process process, string root, string environmentId, SandboxPaths paths, ILogger logger)
    {
        _process = process;
        _root = root;
        _environmentId = environmentId;
        _logger = logger;
        Paths = paths;
        _memory = new ProcessTreeMemory(process.Id);
        _stdout = ForwardAsync(process.StandardOutput);
        _stderr = ForwardAsync(process.StandardError);
        Exited = WaitAsync();
    }

    public SandboxPaths Paths { get; }

    public Task<int> Exited { get; }

    public long? PeakMemoryBytes() => _memory.PeakMemoryBytes();

    /// <summary>No memory cgroup, so no OOM of the sandbox's own (the host's OOM killer may still act).</summary>
    public bool OutOfMemory() => false;

    /// <summary>No CPU quota to apply without a cgroup.</summary>
    public Task InitializedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Kill();
        await Exited;
        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // The start-up sweep of the work directory removes it later.
        }
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync();
        await Task.WhenAll(_stdout, _stderr);
        return _process.ExitCode;
    }

    private async Task ForwardAsync(StreamReader reader)
    {
        await Task.Yield();
        try
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                BwrapLog.Output(_logger, _environmentId, line);
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
