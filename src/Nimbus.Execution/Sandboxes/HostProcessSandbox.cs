// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A sandbox that is a tree of host processes below one child of the server (nimbus-init itself, or bwrap above it):
/// killing the tree ends it, the child's exit is its end, and its working directory goes with it. No cgroup: no
/// limits to apply, no OOM of its own; memory is the tree's high-water marks (<see cref="ProcessTreeMemory"/>).
/// </summary>
internal abstract class HostProcessSandbox : ISandbox
{
    private readonly string _root;
    private readonly ProcessTreeMemory _memory;
    private int _disposed;

    protected HostProcessSandbox(Process process, string root, SandboxPaths paths)
    {
        Process = process;
        _root = root;
        Paths = paths;
        _memory = new ProcessTreeMemory(process.Id);
    }

    public SandboxPaths Paths { get; }

    /// <summary>The exit code of the server's child, once it and whatever the subclass waits for are done.</summary>
    public abstract Task<int> Exited { get; }

    protected Process Process { get; }

    public long? PeakMemoryBytes() => _memory.PeakMemoryBytes();

    public bool Adopted(int pid)
    {
        _memory.Adopt(pid);
        return true;
    }

    /// <summary>No memory cgroup, so no OOM of the sandbox's own (the host's OOM killer may still act).</summary>
    public bool OutOfMemory() => false;

    /// <summary>No CPU quota or other limit to apply without a cgroup.</summary>
    public Task InitializedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Kill()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
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
        _memory.Dispose();
        Process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // Something still writes there; the start-up sweep of the work directory removes it later.
        }
    }
}
