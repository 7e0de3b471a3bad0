// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Execution.Sandboxes;

/// <summary>nimbus-init and its children as plain host processes.</summary>
internal sealed class ProcessSandbox : ISandbox
{
    private readonly Process _process;
    private readonly string _root;
    private readonly ProcessTreeMemory _memory;

    public ProcessSandbox(Process process, string root, SandboxPaths paths)
    {
        _process = process;
        _root = root;
        Paths = paths;
        _memory = new ProcessTreeMemory(process.Id);
        Exited = WaitAsync(process);
    }

    public SandboxPaths Paths { get; }

    public Task<int> Exited { get; }

    /// <summary>The sum of the high-water marks of nimbus-init's descendants (<see cref="ProcessTreeMemory"/>).</summary>
    public long? PeakMemoryBytes() => _memory.PeakMemoryBytes();

    /// <summary>The process backend has no memory limit to hit.</summary>
    public bool OutOfMemory() => false;

    /// <summary>The process backend applies no limits.</summary>
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
            // Something still writes there; the start-up sweep removes it later.
        }
    }

    private static async Task<int> WaitAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
