// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// One environment under bwrap: bwrap is the server's child, its init is PID 1 of the environment's pid namespace
/// and nimbus-init runs below it. Killing the tree ends the namespace (and with it everything in it); bwrap's exit
/// is the environment's end. Its output (bwrap's own errors, nimbus-init's) goes to the log.
/// </summary>
internal sealed class BwrapSandbox : HostProcessSandbox
{
    private readonly string _environmentId;
    private readonly ILogger _logger;
    private readonly Task _stdout;
    private readonly Task _stderr;

    public BwrapSandbox(Process process, string root, string environmentId, SandboxPaths paths, ILogger logger)
        : base(process, root, paths)
    {
        _environmentId = environmentId;
        _logger = logger;
        _stdout = ForwardAsync(process.StandardOutput);
        _stderr = ForwardAsync(process.StandardError);
        Exited = WaitAsync();
    }

    public override Task<int> Exited { get; }

    private async Task<int> WaitAsync()
    {
        await Process.WaitForExitAsync();
        await Task.WhenAll(_stdout, _stderr);
        return Process.ExitCode;
    }

    private async Task ForwardAsync(StreamReader reader)
    {
        // Read to its end here: Process.Dispose does not close a reader read this way (its pipe waited for the finalizer).
        using var forwarded = reader;
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
