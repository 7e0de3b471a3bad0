// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A long-lived helper the server starts itself (posix_spawn) with the descriptors it chooses, for a helper that lives
/// as long as a sandbox (slirp4netns). <see cref="System.Diagnostics.Process"/> would give each redirected stream a
/// reader or writer with 8–12 KiB of buffers, held as long as the process runs, and cannot hand over a descriptor
/// above 2 (so a shell had to). The process is held by a pidfd (signals never reach a reused pid) and reaped here:
/// .NET's SIGCHLD handling reaps only the children it started, so nothing else waits for this one.
/// </summary>
internal sealed partial class SpawnedProcess : IDisposable
{
    private const int OCloExec = 0x80000;
    private const int FDupFdCloExec = 1030;
    private const int SigKill = 9;

    /// <summary>Pipe ends are numbered from here: above every descriptor a child is given, so no dup2 overwrites a source.</summary>
    private const int LowestPipeFd = 10;
    private const int WNoHang = 1;
    private const int Echild = 10;
    private const int Eintr = 4;
    private const int OpaqueSize = 1024;
    private const short PosixSpawnSetSigDef = 0x04;
    private const short PosixSpawnSetSigMask = 0x08;

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
        using var native = new NativeStrings([path, .. arguments], environment);
        var fileActions = stackalloc byte[OpaqueSize];
        var attributes = stackalloc byte[OpaqueSize];
        var signals = stackalloc byte[OpaqueSize];
        Check(FileActionsInit(fileActions), "posix_spawn_file_actions_init");
        if (AttrInit(attributes) is var attrError and not 0)
        {
            _ = FileActionsDestroy(fileActions);
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
                Check(FileActionsAddDup2(fileActions, fd, target), "posix_spawn_file_actions_adddup2");
            }

            Check(AttrSetFlags(attributes, PosixSpawnSetSigMask | PosixSpawnSetSigDef), "posix_spawnattr_setflags");
            Check(SigEmptySet(signals), "sigemptyset");
            Check(AttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
            Check(SigFillSet(signals), "sigfillset");
            Check(AttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            int pid;
            var error = PosixSpawn(&pid, native.Path, fileActions, attributes, native.Argv, native.Envp);
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
            _ = FileActionsDestroy(fileActions);
            _ = AttrDestroy(attributes);
        }
    }

    /// <summary>A pipe whose both ends are close-on-exec: (read end, write end).</summary>
    public static unsafe (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        var fds = stackalloc int[2];
        if (Pipe2(fds, OCloExec) != 0)
        {
            throw new IOException($"pipe2: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return (High(fds[0]), High(fds[1]));
    }

    /// <summary><paramref name="fd"/>, moved to <see cref="LowestPipeFd"/> or above (a server started with stdio closed gets low numbers).</summary>
    private static SafeFileHandle High(int fd)
    {
        if (fd < LowestPipeFd)
        {
            var moved = Fcntl(fd, FDupFdCloExec, LowestPipeFd);
            var error = Marshal.GetLastPInvokeError();
            _ = Close(fd);
            fd = moved >= 0 ? moved : throw new IOException($"fcntl(F_DUPFD_CLOEXEC): {Marshal.GetPInvokeErrorMessage(error)}");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>A child that could not be held: killed and reaped, so that it neither runs on nor stays a zombie.</summary>
    private static unsafe void Abandon(int pid)
    {
        _ = KillPid(pid, SigKill);
        int status;
        while (WaitPid(pid, &status, 0) < 0 && Marshal.GetLastPInvokeError() == Eintr)
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
            while ((reaped = WaitPid(Pid, &status, WNoHang)) < 0 && Marshal.GetLastPInvokeError() == Eintr)
            {
            }

            if (reaped == Pid || (reaped < 0 && Marshal.GetLastPInvokeError() == Echild))
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

    public void Dispose() => _handle.Dispose();

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new IOException($"{call}: {Marshal.GetPInvokeErrorMessage(result)}");
        }
    }

    /// <summary>The path, argv and envp as NUL-terminated arrays of NUL-terminated UTF-8 strings, in native memory.</summary>
    private sealed unsafe class NativeStrings : IDisposable
    {
        private readonly List<nint> _allocations = [];

        public NativeStrings(IReadOnlyList<string> argv, IReadOnlyList<string> envp)
        {
            Argv = Array(argv);
            Envp = Array(envp);
            Path = Argv[0];
        }

        public byte* Path { get; }

        public byte** Argv { get; }

        public byte** Envp { get; }

        public void Dispose()
        {
            foreach (var allocation in _allocations)
            {
                NativeMemory.Free((void*)allocation);
            }
        }

        private byte** Array(IReadOnlyList<string> values)
        {
            var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(nint));
            _allocations.Add((nint)array);
            for (var i = 0; i < values.Count; i++)
            {
                var length = Encoding.UTF8.GetByteCount(values[i]);
                var text = (byte*)NativeMemory.AllocZeroed((nuint)length + 1);
                _allocations.Add((nint)text);
                Encoding.UTF8.GetBytes(values[i], new Span<byte>(text, length));
                array[i] = text;
            }

            return array;
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillPid(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static unsafe partial int WaitPid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    private static unsafe partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static unsafe partial int FileActionsInit(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static unsafe partial int FileActionsDestroy(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static unsafe partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static unsafe partial int AttrInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static unsafe partial int AttrDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static unsafe partial int AttrSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    private static unsafe partial int AttrSetSigMask(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    private static unsafe partial int AttrSetSigDefault(void* attributes, void* signals);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    private static unsafe partial int SigEmptySet(void* signals);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    private static unsafe partial int SigFillSet(void* signals);
}
