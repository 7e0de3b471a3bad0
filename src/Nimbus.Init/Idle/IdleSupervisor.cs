// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Nimbus.Init.Interop;
using Nimbus.Init.Protocol;
using Nimbus.Init.RuntimeApi;

namespace Nimbus.Init.Idle;

/// <summary>
/// Once the host serves the runtime (docs/internals/invoke-path.md#the-idle-supervisor), nimbus-init executes
/// nimbus-idle (nimbus-idle.c) in its own process: the same pid, still the runtime's parent, holding the host socket,
/// the Runtime API listeners and the platform bridge's listener, and nothing else — a few dozen KiB resident instead of
/// a .NET process's ~6 MB, for as long as the environment idles. Only when nothing would be lost: the hand-over
/// settled (<see cref="ConnectionHandover.Settled"/>), no Runtime API or bridge connection open here, no frame half
/// read or being written, the runtime this process's own child and unreaped. Until then nimbus-init looks again after
/// every frame and whenever one of those goes away (<see cref="Nudge"/>); a failed execve is said once on stderr, and
/// then, as when the runtime can never be left to nimbus-idle, nimbus-init stays.
/// </summary>
internal sealed class IdleSupervisor
{
    /// <summary>
    /// The program's path in the sandbox, set by the host when it has one and allows it (IdleSupervisor setting);
    /// absent: nimbus-init stays.
    /// </summary>
    public const string ProgramVariable = "NIMBUS_IDLE_PROGRAM";

    private readonly string? _program;
    private TaskCompletionSource _nudged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<int>? _hostReadable;
    private bool _failed;

    public IdleSupervisor(string? program) => _program = program is { Length: > 0 } ? program : null;

    /// <summary>nimbus-idle will never take over: nimbus-init stays for the environment's life.</summary>
    public bool Abandoned => _failed || _program is null;

    /// <summary>Called once nimbus-idle will never take over (nimbus-init then gives back what its heap grew to).</summary>
    public Action? GaveUp { get; set; }

    /// <summary>Something that kept nimbus-init went away (a connection closed, a frame was sent): look again.</summary>
    public void Nudge() => Volatile.Read(ref _nudged).TrySetResult();

    /// <summary>
    /// The host's next frame. Once the runtime's connection was handed over, and while nimbus-idle may still take
    /// over, it first tries that, and waits for the host's next bytes without reading them (a zero-byte receive), so
    /// that a <see cref="Nudge"/> meanwhile has it try again with nothing of a frame read.
    /// </summary>
    public async Task<Frame?> NextFrameAsync(FrameReader frames, IdleState state, CancellationToken cancellationToken)
    {
        while (!Abandoned && state.Handover.HandingOver && frames.Buffered == 0)
        {
            // A nudge from here on completes this task: nothing that changes during the checks below is missed (a full
            // fence: the checks' reads must not pass this write, or a nudge could still find the previous task).
            var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = Interlocked.Exchange(ref _nudged, fresh);
            var nudged = fresh.Task;
            if (state.Handover.Settled && state.Server.OpenConnections == 0 && state.Bridge?.OpenConnections is null or 0)
            {
                // Returns only when nimbus-idle could not take over now (or at all).
                await TryAsync(state, cancellationToken);
                if (Abandoned)
                {
                    break;
                }
            }

            _hostReadable ??= state.HostSocket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).AsTask();
            if (await Task.WhenAny(_hostReadable, nudged) == _hostReadable)
            {
                break;
            }
        }

        if (_hostReadable is { } pending)
        {
            // Observed before the frame is read (its failure is the host link's), and never left behind the read.
            _hostReadable = null;
            await pending;
        }

        return await frames.ReadAsync(cancellationToken);
    }

    /// <summary>Executes nimbus-idle, or returns when it may not (listeners accepting again) or could not.</summary>
    private async Task TryAsync(IdleState state, CancellationToken cancellationToken)
    {
        string? error = null;
        var serverPaused = false;
        var bridgePaused = false;
        try
        {
            // No accept may be in progress when the process image goes: a connection accepted by .NET then would be lost.
            await state.Server.PauseAsync();
            serverPaused = true;
            if (state.Bridge is { } bridge)
            {
                await bridge.PauseAsync();
                bridgePaused = true;
            }

            if (state.Server.OpenConnections != 0 || state.Bridge?.OpenConnections > 0)
            {
                return;
            }

            // Held through the execve: no frame is half written when the image goes.
            using (await state.Host.LockAsync(cancellationToken))
            {
                if (!state.Handover.Settled)
                {
                    return;
                }

                // On the thread that started the runtime (SpawningThread). Returns only when it did not happen.
                error = await state.Spawning.RunAsync(() => state.Runtime.ExecuteWhileUnreaped(pid => Execute(_program!, Arguments(state, pid), Inherited(state))));
                _failed = true;
            }
        }
        finally
        {
            if (serverPaused)
            {
                state.Server.Resume();
            }

            if (bridgePaused)
            {
                state.Bridge?.Resume();
            }
        }

        if (_failed)
        {
            // Said and given up with nothing held.
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"nimbus-init: could not execute {_program}: {error}; nimbus-init goes on supervising the runtime");
            }

            GaveUp?.Invoke();
        }
    }

    /// <summary>nimbus-idle's command line (nimbus-idle.c's usage).</summary>
    internal static List<string> Arguments(IdleState state, int runtimePid)
    {
        List<string> arguments = ["--host", Number(state.HostDescriptor), "--runtime", Number(runtimePid)];
        foreach (var listener in state.Server.ListenerDescriptors)
        {
            arguments.Add("--api");
            arguments.Add(Number(listener));
        }

        if (state.Bridge is { } bridge)
        {
            arguments.AddRange(["--bridge", Number(bridge.ListenerDescriptor), "--platform", bridge.PlatformSocket]);
        }

        return arguments;
    }

    private static List<int> Inherited(IdleState state)
    {
        List<int> descriptors = [state.HostDescriptor, .. state.Server.ListenerDescriptors];
        if (state.Bridge is { } bridge)
        {
            descriptors.Add(bridge.ListenerDescriptor);
        }

        return descriptors;
    }

    /// <summary>execve with an empty environment; returns only on failure, with why.</summary>
    private static unsafe string Execute(string program, List<string> arguments, List<int> inherited)
    {
        // .NET opens every descriptor close-on-exec: these few must survive the execve.
        foreach (var fd in inherited)
        {
            _ = Libc.Fcntl(fd, Libc.FSetFd, 0);
        }

        var strings = new List<nint>(arguments.Count + 1);
        try
        {
            strings.Add(Marshal.StringToCoTaskMemUTF8(program));
            foreach (var argument in arguments)
            {
                strings.Add(Marshal.StringToCoTaskMemUTF8(argument));
            }

            var argv = stackalloc byte*[strings.Count + 1];
            for (var i = 0; i < strings.Count; i++)
            {
                argv[i] = (byte*)strings[i];
            }

            argv[strings.Count] = null;
            var envp = stackalloc byte*[1];
            envp[0] = null;
            _ = Libc.Execve(argv[0], argv, envp);
            return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }
        finally
        {
            foreach (var fd in inherited)
            {
                _ = Libc.Fcntl(fd, Libc.FSetFd, Libc.FdCloExec);
            }

            foreach (var pointer in strings)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
