// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A container's outbound network: slirp4netns, a user-mode NAT, attached to the container's network namespace as
/// tap0 (10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3). <c>--disable-host-loopback</c> refuses connections to
/// the host's 127.0.0.0/8 through the gateway. slirp4netns exits when its standard input (its exit fd) closes,
/// so it cannot outlive the server even after a kill -9.
/// </summary>
internal sealed class RuncNetwork : IAsyncDisposable
{
    /// <summary>Set in slirp4netns's environment: the start-up sweep finds the processes of this runc root by it.</summary>
    public const string OwnerVariable = "NIMBUS_RUNC_ROOT";

    private readonly Process _process;
    private readonly Task _stderr;

    private RuncNetwork(Process process, Task stderr)
    {
        _process = process;
        _stderr = stderr;
    }

    /// <summary>Starts slirp4netns for the container whose init is <paramref name="pid"/>; returns once tap0 is configured.</summary>
    public static async Task<RuncNetwork> StartAsync(
        string slirp4netns,
        int pid,
        string runcRoot,
        string environmentId,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        // --ready-fd needs a descriptor of its own: sh gives slirp4netns our stdout pipe as fd 3 and its chatter
        // goes to stderr, which is logged. It writes "1" to fd 3 once the namespace is configured.
        var command = string.Create(
            CultureInfo.InvariantCulture,
            $"exec \"$0\" --configure --mtu=65520 --disable-host-loopback --enable-seccomp --exit-fd=0 --ready-fd=3 {pid} tap0 3>&1 1>&2");
        var start = RuncCommand.CreateStartInfo("/bin/sh", ["-c", command, slirp4netns]);
        start.Environment[OwnerVariable] = runcRoot;
        var process = Process.Start(start) ?? throw new SandboxStartException($"could not start {slirp4netns}");
        var stderr = ForwardAsync(process.StandardError, environmentId, logger);
        var network = new RuncNetwork(process, stderr);
        try
        {
            var buffer = new char[16];
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            var read = await process.StandardOutput.ReadAsync(buffer.AsMemory(), deadline.Token);
            if (read == 0 || buffer[0] != '1')
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new SandboxStartException($"slirp4netns exited with status {process.ExitCode} before configuring the network");
            }

            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Closing the exit fd ends slirp4netns cleanly; a kill is the fallback.
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                RuncCommand.KillTree(_process);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        await _stderr;
        _process.StandardOutput.Dispose();
        _process.Dispose();
    }

    private static async Task ForwardAsync(StreamReader reader, string environmentId, ILogger logger)
    {
        // Read to its end here: Process.Dispose does not close a reader read this way (its pipe waited for the finalizer).
        using var forwarded = reader;
        try
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                RuncLog.NetworkOutput(logger, environmentId, line);
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
