// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
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
/// read or being written, the runtime this process's own child and unreaped. Otherwise nimbus-init stays; a failed
/// execve is said once on stderr and not tried again.
/// </summary>
internal sealed class IdleSupervisor
{
    /// <summary>
    /// The program's path in the sandbox, set by the host when it has one and allows it (IdleSupervisor setting);
    /// absent: nimbus-init stays.
    /// </summary>
    public const string ProgramVariable = "NIMBUS_IDLE_PROGRAM";

    private readonly string? _program;
    private bool _failed;

    public IdleSupervisor(string? program) => _program = program is { Length: > 0 } ? program : null;

    /// <summary>Worth trying now: cheap checks only, made after every frame.</summary>
    public bool Due(ConnectionHandover handover, FrameReader frames) =>
        !_failed && _program is not null && frames.Buffered == 0 && handover.Settled;

    /// <summary>Executes nimbus-idle, or returns when it may not (listeners accepting again) or could not.</summary>
    public async Task TryAsync(IdleState state, CancellationToken cancellationToken)
    {
        if (state.Server.OpenConnections != 0 || state.Bridge?.OpenConnections > 0)
        {
            return;
        }

        // No accept may be in progress when the process image goes: a connection accepted by .NET then would be lost.
        await state.Server.PauseAsync();
        if (state.Bridge is { } bridge)
        {
            await bridge.PauseAsync();
        }

        try
        {
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

                var error = state.Runtime.ExecuteWhileUnreaped(pid => Execute(_program!, Arguments(state, pid), Inherited(state)));
                if (error is not null)
                {
                    _failed = true;
                    await Console.Error.WriteLineAsync($"nimbus-init: could not execute {_program}: {error}; nimbus-init goes on supervising the runtime");
                }
            }
        }
        finally
        {
            state.Server.Resume();
            state.Bridge?.Resume();
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
