// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nimbus.Init.Interop;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A long-lived helper the server starts itself (posix_spawn) with the descriptors it chooses, for a helper that lives
/// as long as a sandbox (slirp4netns). <see cref="System.Diagnostics.Process"/> would give each redirected stream a
/// reader or writer with 8–12 KiB of buffers, held as long as the process runs, and cannot hand over a descriptor
/// above 2 (so a shell had to). The process is held by a pidfd (signals never reach a reused pid) and reaped here:
/// .NET's SIGCHLD handling reaps only the children it started, so nothing else waits for this one.
/// </summary>
internal sealed class SpawnedProcess : IDisposable
{
    private const int FDupFdCloExec = 1030;

    /// <summary>Pipe ends are numbered from here: above every descriptor a child is given, so no dup2 overwrites a source.</summary>
    private const int LowestPipeFd = 10;

    private readonly ProcessHandle _handle;
    private readonly Lock _gate = new();
    private int? _exitStatus;

    private SpawnedProcess(int pid, ProcessHandle handle)
    {
        Pid = pid;
        _handle = handle;
    }

    public int Pid { get; }

    /// <summary>The wait status once the process was reaped (see <see cref="TryReap"/>), else null.</summary>
    public int? ExitStatus
    {
        get
        {
            lock (_gate)
            {
                return _exitStatus;
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="path"/> with exactly the environment <paramref name="environment"/> (NAME=value), standard
    /// input, output and error and any other descriptor from <paramref name="descriptors"/> (this process's descriptor →
    /// the number the child gets); every other descriptor of the server is close-on-exec. Signals at their defaults,
    /// none blocked (.NET ignores SIGPIPE, which exec would keep).
    /// </summary>
    public static unsafe SpawnedProcess Start(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment, ReadOnlySpan<(int Fd, int As)> descriptors)
    {
        using var argv = new NativeStringArray([path, .. arguments]);
        using var envp = new NativeStringArray(environment);
        var fileActions = stackalloc byte[Libc.OpaqueSize];
        var attributes = stackalloc byte[Libc.OpaqueSize];
        var signals = stackalloc byte[Libc.OpaqueSize];
        Check(Libc.FileActionsInit(fileActions), "posix_spawn_file_actions_init");
        if (Libc.AttrInit(attributes) is var attrError and not 0)
        {
            _ = Libc.FileActionsDestroy(fileActions);
            Check(attrError, "posix_spawnattr_init");
        }

        try
        {
            foreach (var (fd, target) in descriptors)
            {
                if (fd < LowestPipeFd)
                {
                    throw new ArgumentException($"descriptor {fd} could be overwritten by an earlier dup2; give descriptors from Pipe()", nameof(descriptors));
                }

                // dup2 clears close-on-exec on the copy: the child keeps these and nothing else of ours.
                Check(Libc.FileActionsAddDup2(fileActions, fd, target), "posix_spawn_file_actions_adddup2");
            }

            Check(Libc.AttrSetFlags(attributes, Libc.PosixSpawnSetSigMask | Libc.PosixSpawnSetSigDef), "posix_spawnattr_setflags");
            Check(Libc.SigEmptySet(signals), "sigemptyset");
            Check(Libc.AttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
            Check(Libc.SigFillSet(signals), "sigfillset");
            Check(Libc.AttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            int pid;
            var error = Libc.PosixSpawn(&pid, argv.Pointer[0], fileActions, attributes, argv.Pointer, envp.Pointer);
            if (error != 0)
            {
                throw new SandboxStartException($"could not start {path}: {Marshal.GetPInvokeErrorMessage(error)}");
            }

            // Not reaped by anyone but this class, so the pid is still this child's.
            ProcessHandle? handle;
            try
            {
                handle = ProcessHandle.Open(pid);
            }
            catch
            {
                Abandon(pid);
                throw;
            }

            return handle is not null
                ? new SpawnedProcess(pid, handle)
                : throw new SandboxStartException($"{path} was reaped by another part of this process (is SIGCHLD ignored?)");
        }
        finally
        {
            _ = Libc.FileActionsDestroy(fileActions);
            _ = Libc.AttrDestroy(attributes);
        }
    }

    /// <summary>A pipe whose both ends are close-on-exec: (read end, write end).</summary>
    public static unsafe (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        var fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.OCloExec) != 0)
        {
            throw new IOException($"pipe2: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return (High(fds[0]), High(fds[1]));
    }

    /// <summary>A connected pair of Unix sockets of <paramref name="type"/> (e.g. SOCK_SEQPACKET), both close-on-exec.</summary>
    public static unsafe (SafeFileHandle One, SafeFileHandle Other) SocketPair(int type)
    {
        var fds = stackalloc int[2];
        if (Libc.SocketPair(Libc.AfUnix, type | Libc.OCloExec, 0, fds) != 0)
        {
            throw new IOException($"socketpair: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return (High(fds[0]), High(fds[1]));
    }

    /// <summary><paramref name="fd"/>, moved to <see cref="LowestPipeFd"/> or above (a server started with stdio closed gets low numbers).</summary>
    private static SafeFileHandle High(int fd)
    {
        if (fd < LowestPipeFd)
        {
            var moved = Libc.Fcntl(fd, FDupFdCloExec, LowestPipeFd);
            var error = Marshal.GetLastPInvokeError();
            _ = Libc.Close(fd);
            fd = moved >= 0 ? moved : throw new IOException($"fcntl(F_DUPFD_CLOEXEC): {Marshal.GetPInvokeErrorMessage(error)}");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>A child that could not be held: killed and reaped, so that it neither runs on nor stays a zombie.</summary>
    private static unsafe void Abandon(int pid)
    {
        _ = Libc.Kill(pid, Libc.SigKill);
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
        {
        }
    }

    /// <summary>
    /// The read end of a pipe as a stream whose reads wait in the server's epoll (a <see cref="FileStream"/> on a pipe
    /// would block a pool thread per read).
    /// </summary>
    public static Stream Reader(SafeFileHandle read)
    {
        var handle = new SafePipeHandle(read.DangerousGetHandle(), ownsHandle: true);
        read.SetHandleAsInvalid();
        return new AnonymousPipeClientStream(PipeDirection.In, handle);
    }

    /// <summary>SIGKILL, to this process only; false when it had already exited.</summary>
    public bool Kill() => _handle.Kill();

    /// <summary>Reaps the process if it has exited; true once it has (<see cref="ExitStatus"/>).</summary>
    public unsafe bool TryReap()
    {
        lock (_gate)
        {
            if (_exitStatus is not null)
            {
                return true;
            }

            int status;
            int reaped;
            while ((reaped = Libc.WaitPid(Pid, &status, Libc.WNoHang)) < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
            {
            }

            if (reaped == Pid || (reaped < 0 && Marshal.GetLastPInvokeError() == Libc.ECHILD))
            {
                _exitStatus = reaped == Pid ? status : -1;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// Waits until the process exited (and reaps it) or <paramref name="timeout"/> passed (<see cref="Timeout.InfiniteTimeSpan"/>:
    /// no limit). It polls, backing off to 50 ms: this is for a sandbox's teardown, not a hot path.
    /// </summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(1);
        while (!TryReap())
        {
            if (timeout != Timeout.InfiniteTimeSpan && time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(delay, time);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(50).Ticks));
        }

        return true;
    }

    /// <summary>Waits <paramref name="grace"/> for the process to exit (it was asked to), then kills it; reaped either way.</summary>
    public async Task EndAsync(TimeSpan grace)
    {
        if (!await WaitForExitAsync(grace))
        {
            Kill();
            await WaitForExitAsync(Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _handle.Dispose();

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new IOException($"{call}: {Marshal.GetPInvokeErrorMessage(result)}");
        }
    }
}
