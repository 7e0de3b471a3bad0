// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Nimbus.Init.Runtime;

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

    private readonly SpawnedProcess _process;
    private readonly SafeFileHandle _exit;
    private readonly Task _output;

    private RuncNetwork(SpawnedProcess process, SafeFileHandle exit, Task output)
    {
        _process = process;
        _exit = exit;
        _output = output;
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
        // Its standard input is the exit fd (its end closes when this server's copy does, even after a kill -9); its
        // output goes to the log; it writes "1" to fd 3 once the namespace is configured.
        var (exitRead, exit) = SpawnedProcess.Pipe();
        var (outputRead, outputWrite) = SpawnedProcess.Pipe();
        var (readyRead, readyWrite) = SpawnedProcess.Pipe();
        SpawnedProcess process;
        using (exitRead)
        using (outputWrite)
        using (readyWrite)
        {
            try
            {
                process = SpawnedProcess.Start(
                    slirp4netns,
                    ["--configure", "--mtu=65520", "--disable-host-loopback", "--enable-seccomp", "--exit-fd=0", "--ready-fd=3", pid.ToString(CultureInfo.InvariantCulture), "tap0"],
                    [$"{OwnerVariable}={runcRoot}"],
                    [((int)exitRead.DangerousGetHandle(), 0), ((int)outputWrite.DangerousGetHandle(), 1), ((int)outputWrite.DangerousGetHandle(), 2), ((int)readyWrite.DangerousGetHandle(), 3)]);
            }
            catch
            {
                exit.Dispose();
                outputRead.Dispose();
                readyRead.Dispose();
                throw;
            }
        }

        var output = PipeLines.ForwardAsync(SpawnedProcess.Reader(outputRead), line => RuncLog.NetworkOutput(logger, environmentId, line));
        var network = new RuncNetwork(process, exit, output);
        try
        {
            await using var ready = SpawnedProcess.Reader(readyRead);
            var buffer = new byte[1];
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            var read = await ready.ReadAsync(buffer, deadline.Token);
            if (read == 0 || buffer[0] != (byte)'1')
            {
                await process.WaitForExitAsync(TimeSpan.FromSeconds(2));
                throw new SandboxStartException($"slirp4netns exited with status {Status(process.ExitStatus)} before configuring the network");
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
        _exit.Dispose();
        await _process.EndAsync(TimeSpan.FromSeconds(2));

        await _output;
        _process.Dispose();
    }

    /// <summary>A wait status as a shell shows it: the exit code, or 128 + the signal.</summary>
    public static string Status(int? status) => status switch
    {
        null => "unknown",
        < 0 => "unknown (already reaped)",
        { } s => RuntimeExit.FromWaitStatus(s) switch
        {
            { Signal: { } signal } => (128 + signal).ToString(CultureInfo.InvariantCulture),
            { Status: var code } => (code ?? 0).ToString(CultureInfo.InvariantCulture),
        },
    };
}
