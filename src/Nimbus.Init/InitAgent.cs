// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Bridge;
using Nimbus.Init.Extensions;
using Nimbus.Init.Host;
using Nimbus.Init.Http;
using Nimbus.Init.Idle;
using Nimbus.Init.Interop;
using Nimbus.Init.Protocol;
using Nimbus.Init.Runtime;
using Nimbus.Init.RuntimeApi;

namespace Nimbus.Init;

/// <summary>
/// nimbus-init's main loop (docs/internals/init-protocol.md): connect to the host, serve the Runtime API, start the
/// runtime on Start, queue Invokes, stop on Shutdown or when the host goes away.
/// </summary>
internal sealed class InitAgent : IDisposable
{
    /// <summary>How long to wait for a SIGKILLed runtime to be reaped before giving up on it.</summary>
    private static readonly TimeSpan s_killWait = TimeSpan.FromSeconds(5);

    /// <summary>The output pump only polls and copies: a small stack is plenty.</summary>
    private const int PumpStackSize = 256 * 1024;

    /// <summary>Set by the host in a SnapStart container under runc: the template's socket inside it.</summary>
    private const string SnapshotSocketVariable = "NIMBUS_SNAPSHOT_SOCKET";

    private readonly string _socketPath;
    private readonly IPEndPoint _apiEndPoint;
    private readonly PlatformBridge? _bridge;
    private readonly IdleSupervisor _idle = new(Environment.GetEnvironmentVariable(IdleSupervisor.ProgramVariable));

    /// <summary>Starts the runtime and executes nimbus-idle: the same thread for both (<see cref="SpawningThread"/>).</summary>
    private readonly SpawningThread _spawning = new();
    private readonly RuntimeProcess _runtime = new();
    private readonly InvocationCoordinator _coordinator = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The heap was compacted and given back once the host took the runtime's connection.</summary>
    private bool _trimmed;
    private Task _exitReported = Task.CompletedTask;
    private ExtensionSupervisor? _extensions;
    private ConnectionHandover? _handover;
    private Thread? _pump;

    public InitAgent(string socketPath, IPEndPoint apiEndPoint, PlatformBridge? bridge = null)
    {
        _socketPath = socketPath;
        _apiEndPoint = apiEndPoint;
        _bridge = bridge;
    }

    /// <summary>Runs until Shutdown (0) or until the host socket closes (0) or breaks (1).</summary>
    public async Task<int> RunAsync()
    {
        _runtime.StartReaping();
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), _stopping.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var host = new HostLink(stream);
        using var extensions = new ExtensionSupervisor(_runtime, host, TimeProvider.System, _stopping.Token);
        _extensions = extensions;
        host.Observer = extensions.Telemetry.OutputAsync;
        var handover = new ConnectionHandover(_coordinator, host, extensions, _stopping.Token);
        _handover = handover;
        using var server = new HttpServer(
            _apiEndPoint, new RuntimeApiHandler(_coordinator, host, extensions, handover), RuntimeStartInfo.RuntimeApiSocketPrefix) { Claim = handover.Claim };
        var runtimeApi = Format(server.LocalEndPoint);
        var runtimeApiSocket = server.AbstractName;
        var serving = server.RunAsync(_stopping.Token);

        var preforkError = Prefork();
        await host.SendAsync(
            new Frame(FrameType.Hello, [new(FrameHeaders.RuntimeApi, runtimeApi), new(FrameHeaders.Pid, Environment.ProcessId.ToString(CultureInfo.InvariantCulture))]),
            _stopping.Token);
        if (Environment.GetEnvironmentVariable(SnapshotSocketVariable) is { Length: > 0 })
        {
            // The host waits for this answer before it counts the container as ready (a spare's runtime must be in
            // the container's cgroup first): the forked runtime's pid, or why there is none.
            await host.SendAsync(
                preforkError is null
                    ? new Frame(FrameType.Adopted, [new(FrameHeaders.Pid, _runtime.Pid.ToString(CultureInfo.InvariantCulture))])
                    : new Frame(FrameType.Log, [new(FrameHeaders.Stream, "stderr")], Encoding.UTF8.GetBytes($"nimbus-init: {preforkError}\n")),
                _stopping.Token);
        }

        var idle = new IdleState(socket, host, _runtime, server, _bridge, handover, _spawning);
        _idle.GaveUp = Trim;
        server.ConnectionEnded = _idle.Nudge;
        handover.Changed = _idle.Nudge;
        if (_bridge is not null)
        {
            _bridge.ConnectionEnded = _idle.Nudge;
        }

        var status = 0;
        try
        {
            var frames = new FrameReader(stream);
            while (await _idle.NextFrameAsync(frames, idle, _stopping.Token) is { } frame)
            {
                switch (frame.Type)
                {
                    case FrameType.Start:
                        await StartRuntimeAsync(host, RuntimeStartInfo.FromFrame(frame, runtimeApi, runtimeApiSocket));
                        break;
                    case FrameType.Specialize:
                        if (!_runtime.Specialize(RuntimeStartInfo.SpecializationFromFrame(frame, runtimeApi, runtimeApiSocket)))
                        {
                            await Console.Error.WriteLineAsync("nimbus-init: the runtime is not a stem cell waiting for its function");
                        }

                        break;
                    case FrameType.Restore:
                        // A pre-initialized SnapStart spare is taken: the restore phase begins.
                        extensions.RestoreStarted();
                        if (!_coordinator.Restore())
                        {
                            // Its runtime already waits in /next: nothing runs in its restore phase, which is over.
                            await host.SendAsync(new Frame(FrameType.Ready, await extensions.InitDoneAsync(_stopping.Token)), _stopping.Token);
                        }

                        break;
                    case FrameType.Invoke:
                        var handed = extensions.Invoke(frame);
                        if (!_coordinator.Enqueue(frame))
                        {
                            // The host serves the runtime's connection now (it sent this before it learnt so).
                            _ = handover.ReturnAsync(frame);
                        }

                        ExtensionRegistry.Hand(handed);
                        break;
                    case FrameType.HandoverTaken:
                        handover.Taken(frame);
                        break;
                    case FrameType.Shutdown:
                        await ShutdownAsync(frame);
                        return 0;
                    default:
                        await Console.Error.WriteLineAsync($"nimbus-init: ignoring a {frame.Type} frame");
                        break;
                }

                if (handover.Settled && _idle.Abandoned)
                {
                    Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"nimbus-init: host connection failed: {e.Message}");
            status = 1;
        }
        finally
        {
            await _stopping.CancelAsync();
        }

        // The host went away: nothing will collect the runtime's results; stop it and everything it started.
        _runtime.SignalGroup(Libc.SigKill);
        await serving;
        return status;
    }

    /// <summary>
    /// Under runc a SnapStart container names its template's socket (<see cref="SnapshotSocketVariable"/>): its
    /// runtime is forked into it at once and waits for its environment (<see cref="RuntimeProcess.Prefork"/>).
    /// Returns why it could not be, or null; without the variable nothing happens.
    /// </summary>
    private string? Prefork()
    {
        if (Environment.GetEnvironmentVariable(SnapshotSocketVariable) is not { Length: > 0 } socket)
        {
            return null;
        }

        try
        {
            _runtime.Prefork(socket);
            return null;
        }
        catch (Exception e) when (e is RuntimeStartException or IOException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// From here nimbus-init idles (the host serves the runtime and nimbus-idle will not take over) for as long as the
    /// environment lives: what its heap grew to during init goes back to the system, once (bench memory, 2026-12-04:
    /// private pages 1.54 → 1.26 MB per nimbus-init).
    /// </summary>
    private void Trim()
    {
        if (!_trimmed)
        {
            _trimmed = true;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    public void Dispose()
    {
        _runtime.Dispose();
        _stopping.Dispose();
        _spawning.Dispose();
    }

    private async Task StartRuntimeAsync(HostLink host, RuntimeStartInfo info)
    {
        _coordinator.Spare = info.Spare;
        _handover!.Enabled = info.DirectRuntimeApi;
        var preforked = _runtime.Preforked;
        if (_runtime.Started && !preforked)
        {
            await Console.Error.WriteLineAsync("nimbus-init: ignoring a second Start frame");
            return;
        }

        if (info.Extensions.Count > 0 && _extensions is { } extensions)
        {
            // Extensions start first and write to pipes of their own, read by the same pump from the start (a
            // preforked runtime's pipes were opened with the extensions' pair).
            var early = _runtime.PreforkedOutput ?? _runtime.OpenOutput(extensions: true);
            host.Attach(early);
            StartPump(host, early);
            if (!await extensions.LaunchAsync(info))
            {
                return;
            }
        }
        else
        {
            _ = _extensions?.LaunchAsync(info);
        }

        RuntimeOutput output;
        try
        {
            // Under runc the template forks once per container, for the first to ask (this nimbus-init, at its start):
            // a runtime that was not forked then is not asked for again.
            output = preforked ? _runtime.Release(info)
                : Environment.GetEnvironmentVariable(SnapshotSocketVariable) is { Length: > 0 } ? throw new RuntimeStartException("no SnapStart runtime was forked into this container", 126)
                : info.RestoreSocket is { } template ? _runtime.Adopt(info, template) : await _spawning.RunAsync(() => _runtime.Start(info));
        }
        catch (Exception e) when (e is RuntimeStartException or IOException)
        {
            // The runtime never ran: report it as a runtime that failed at once, as a shell would (126/127).
            var exitStatus = e is RuntimeStartException start ? start.ExitStatus : 126;
            var message = Encoding.UTF8.GetBytes($"nimbus-init: {e.Message}\n");
            await host.SendAsync(new Frame(FrameType.Log, [new(FrameHeaders.Stream, "stderr")], message), _stopping.Token);
            await host.SendAsync(new Frame(FrameType.Exited, [new RuntimeExit(exitStatus, null).ToHeader()]), _stopping.Token);
            return;
        }

        if (_pump is null)
        {
            host.Attach(output);
            StartPump(host, output);
        }

        if (info.RestoreSocket is not null && !preforked)
        {
            // The runtime is not nimbus-init's child: the host learns its pid (the process sandboxes count its memory).
            await host.SendAsync(new Frame(FrameType.Adopted, [new(FrameHeaders.Pid, _runtime.Pid.ToString(CultureInfo.InvariantCulture))]), _stopping.Token);
        }

        if (info.StemCell)
        {
            _ = ReportWaitingAsync(host);
        }

        _exitReported = ReportExitAsync(host);
    }

    private void StartPump(HostLink host, RuntimeOutput output)
    {
        _pump = new Thread(() => PumpOutput(host, output), PumpStackSize) { IsBackground = true, Name = "nimbus-init output" };
        _pump.Start();
    }

    /// <summary>
    /// Forwards runtime output as it comes, until both pipes are closed. Runs on its own thread, asleep in poll(2)
    /// while the runtime is quiet; output written before a result is forwarded by the result's sender anyway.
    /// </summary>
    private void PumpOutput(HostLink host, RuntimeOutput output)
    {
        try
        {
            while (output.WaitReadable())
            {
                // This thread is ours and does nothing else: blocking it is the point (never the socket thread).
#pragma warning disable VSTHRD002
                host.FlushOutputAsync(_stopping.Token).GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
            }

            output.Close();
            _runtime.OutputClosed();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The host is gone or nimbus-init is stopping.
        }
    }

    /// <summary>A stem cell's runtime reached its wait for the function: the host may count the cell as ready.</summary>
    private async Task ReportWaitingAsync(HostLink host)
    {
        try
        {
            if (await _runtime.StemCellWaitingAsync(_stopping.Token))
            {
                await host.SendAsync(new Frame(FrameType.Waiting, []), _stopping.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The host is gone or nimbus-init is stopping.
        }
    }

    private async Task ReportExitAsync(HostLink host)
    {
        var exit = await _runtime.Exited;
        try
        {
            await host.SendAsync(new Frame(FrameType.Exited, [exit.ToHeader()]), _stopping.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The host is gone or nimbus-init is stopping.
        }
    }

    /// <summary>SIGTERM the runtime's group, SIGKILL it after grace-ms, report Exited, then the caller exits.</summary>
    private async Task ShutdownAsync(Frame frame)
    {
        var grace = int.TryParse(frame.Header(FrameHeaders.GraceMs), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : 0;
        var reason = frame.Header(FrameHeaders.Reason) ?? "spindown";
        if (reason is "timeout" or "failure" && _runtime.Started && !_runtime.Exited.IsCompleted)
        {
            // A reset (AWS's extensions API page, "Invoke failures"): the runtime goes first, then the extensions get SHUTDOWN.
            _runtime.SignalGroup(Libc.SigKill);
            try
            {
                await _runtime.Exited.WaitAsync(s_killWait, _stopping.Token);
            }
            catch (TimeoutException)
            {
                await Console.Error.WriteLineAsync("nimbus-init: the runtime did not die after SIGKILL");
            }
        }

        var extensions = _extensions?.ShutdownAsync(reason, TimeSpan.FromMilliseconds(grace)) ?? Task.CompletedTask;
        if (!_runtime.Started)
        {
            await extensions;
            return;
        }

        if (!_runtime.Exited.IsCompleted)
        {
            _runtime.SignalGroup(Libc.SigTerm);
            try
            {
                await _runtime.Exited.WaitAsync(TimeSpan.FromMilliseconds(grace), _stopping.Token);
            }
            catch (TimeoutException)
            {
                _runtime.SignalGroup(Libc.SigKill);
                try
                {
                    await _runtime.Exited.WaitAsync(s_killWait, _stopping.Token);
                }
                catch (TimeoutException)
                {
                    await Console.Error.WriteLineAsync("nimbus-init: the runtime did not die after SIGKILL");
                    return;
                }
            }
        }

        await _exitReported;
        await extensions;

        // Whatever the runtime left behind in its group goes too.
        _runtime.SignalGroup(Libc.SigKill);
    }

    private static string Format(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{endPoint.Address}]:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endPoint.Address}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}";
}
