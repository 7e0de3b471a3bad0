// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using Nimbus.Init.Interop;

namespace Nimbus.Init.Runtime;

/// <summary>
/// Starts the runtime with posix_spawn and reaps every child. Why not System.Diagnostics.Process:
/// (1) it cannot put the child in a new process group, which Shutdown needs (SIGTERM/SIGKILL to the whole group
/// without signalling nimbus-init itself when it is not PID 1); (2) as PID 1 nimbus-init must reap orphans with
/// waitpid(-1), which would race Process's own waitpid for the runtime and steal its exit status.
/// Owning the pid makes both simple: one SIGCHLD handler reaps everything and recognises the runtime.
/// </summary>
internal sealed unsafe partial class RuntimeProcess : IDisposable
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<RuntimeExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<int, TaskCompletionSource<RuntimeExit>> _extensions = [];

    /// <summary>Every extension ever started (their process groups outlive them: a stop signals each).</summary>
    private readonly List<int> _extensionPids = [];
    private PosixSignalRegistration? _sigchld;
    private int _pid;
    private RuntimeOutput? _output;
    private int[] _writeEnds = [];
    private StemCellChannel? _stem;

    /// <summary>The output pipes closed: <see cref="OutputClosed"/> may be reaping the runtime outside the gate.</summary>
    private bool _outputClosed;

    /// <summary>Completes when the runtime has been reaped.</summary>
    public Task<RuntimeExit> Exited => _exited.Task;

    public bool Started => Volatile.Read(ref _pid) != 0;

    /// <summary>The runtime's pid, 0 before it started.</summary>
    public int Pid => Volatile.Read(ref _pid);

    /// <summary>Installs the SIGCHLD handler that reaps every child (orphans too, when nimbus-init is PID 1).</summary>
    public void StartReaping()
    {
        _sigchld = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => Reap());
        Reap();
    }

    /// <summary>
    /// Starts the runtime in its own process group with stdin /dev/null and stdout/stderr on pipes.
    /// nimbus-init changes its own working directory to <see cref="RuntimeStartInfo.WorkingDirectory"/> first:
    /// it needs no working directory of its own, and this avoids posix_spawn_file_actions_addchdir_np
    /// (glibc 2.29+), which older base images (Amazon Linux 2: glibc 2.26) lack.
    /// </summary>
    public RuntimeOutput Start(RuntimeStartInfo info)
    {
        if (Started)
        {
            throw new InvalidOperationException("the runtime was already started");
        }

        ChangeDirectory(info);
        var output = _output ?? OpenOutput(extensions: false);
        var path = Resolve(info.Command, info.Variable("PATH") ?? DefaultPath);
        var stem = info.StemCell ? StemCellChannel.Open() : null;
        try
        {
            Spawn(path, info, _writeEnds[0], _writeEnds[1], null, stem?.RuntimeEnd ?? -1);
        }
        catch
        {
            stem?.Dispose();
            throw;
        }
        finally
        {
            // Extensions were started before the runtime: nobody else needs the write ends now.
            foreach (var fd in _writeEnds)
            {
                _ = Libc.Close(fd);
            }

            _writeEnds = [];
            stem?.ReleaseRuntimeEnd();
        }

        _stem = stem;
        return output;
    }

    /// <summary>
    /// Creates the output pipes before anything starts: the runtime's stdout and stderr and, with
    /// <paramref name="extensions"/>, a pair the external extensions share. The read ends are non-blocking.
    /// </summary>
    public RuntimeOutput OpenOutput(bool extensions)
    {
        var count = extensions ? 4 : 2;
        var reads = new int[count];
        var writes = new int[count];
        for (var i = 0; i < count; i++)
        {
            (reads[i], writes[i]) = CreatePipe();
            SetNonBlocking(reads[i]);
        }

        _writeEnds = writes;
        _output = new RuntimeOutput(reads);
        return _output;
    }

    /// <summary>
    /// Starts an external extension (its own process group, output on the extensions' pipes, the runtime's
    /// environment); the task completes when it has been reaped. Call <see cref="OpenOutput"/> with extensions first.
    /// </summary>
    public Task<RuntimeExit> StartExtensionAsync(string path, RuntimeStartInfo info)
    {
        if (_writeEnds.Length < 4)
        {
            throw new InvalidOperationException("the extensions' output pipes are not open");
        }

        ChangeDirectory(info);
        var exited = new TaskCompletionSource<RuntimeExit>(TaskCreationOptions.RunContinuationsAsynchronously);
        Spawn(path, info with { Command = path, Arguments = [], StemCell = false }, _writeEnds[2], _writeEnds[3], exited, -1);
        return exited.Task;
    }

    /// <summary>Sends <paramref name="signal"/> to every extension's process group.</summary>
    public void SignalExtensions(int signal)
    {
        int[] pids;
        lock (_gate)
        {
            pids = [.. _extensions.Keys, .. _extensionPids];
        }

        foreach (var pid in pids)
        {
            _ = Libc.Kill(-pid, signal);
        }
    }

    private static void ChangeDirectory(RuntimeStartInfo info)
    {
        if (info.WorkingDirectory is { } cwd)
        {
            try
            {
                Directory.SetCurrentDirectory(cwd);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new RuntimeStartException($"cannot change to the working directory {cwd}: {e.Message}", 126);
            }
        }
    }

    /// <summary>
    /// True once a stem cell's runtime waits for its function (<see cref="StemCellChannel"/>); false when the runtime
    /// is not a stem cell, went away first, or was specialized before it got there.
    /// </summary>
    public Task<bool> StemCellWaitingAsync(CancellationToken cancellationToken) =>
        _stem?.WaitingAsync(cancellationToken) ?? Task.FromResult(false);

    /// <summary>
    /// Gives a stem cell's runtime its function's environment on fd 3 and closes the channel (its end of file ends the
    /// message). False when the runtime was not started as a stem cell or is already specialized.
    /// </summary>
    public bool Specialize(ReadOnlySpan<byte> environment) => _stem?.Specialize(environment) ?? false;

    /// <summary>Sends <paramref name="signal"/> to the runtime's process group (its descendants too).</summary>
    public void SignalGroup(int signal)
    {
        var pid = Volatile.Read(ref _pid);
        if (pid == 0)
        {
            return;
        }

        if (Libc.Kill(-pid, signal) != 0 && !_exited.Task.IsCompleted)
        {
            // The group is gone only if the runtime left it; signal the runtime itself then.
            _ = Libc.Kill(pid, signal);
        }
    }

    public void Dispose()
    {
        _sigchld?.Dispose();
        _template?.Dispose();
        _stem?.Dispose();
    }

    private static string Resolve(string command, string searchPath)
    {
        if (command.Length == 0)
        {
            throw new RuntimeStartException("no command given", 127);
        }

        if (command.Contains('/', StringComparison.Ordinal))
        {
            return command;
        }

        foreach (var directory in searchPath.Split(':'))
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, command);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        throw new RuntimeStartException($"{command}: command not found", 127);
    }

    private static (int Read, int Write) CreatePipe()
    {
        var fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.OCloExec) != 0)
        {
            throw new IOException($"pipe2 failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return (fds[0], fds[1]);
    }

    private static void SetNonBlocking(int fd)
    {
        var flags = Libc.Fcntl(fd, Libc.FGetFl, 0);
        if (flags < 0 || Libc.Fcntl(fd, Libc.FSetFl, flags | Libc.ONonBlock) < 0)
        {
            throw new IOException($"fcntl failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private void Spawn(string path, RuntimeStartInfo info, int stdout, int stderr, TaskCompletionSource<RuntimeExit>? extension, int stem)
    {
        string[] argv = [info.Command, .. info.Arguments];
        using var nativePath = new NativeStringArray([path]);
        using var nativeArgv = new NativeStringArray(argv);
        using var nativeEnvp = new NativeStringArray(info.Environment);
        using var devNull = new NativeStringArray(["/dev/null"]);

        var fileActions = stackalloc byte[Libc.OpaqueSize];
        var attributes = stackalloc byte[Libc.OpaqueSize];
        var signals = stackalloc byte[Libc.OpaqueSize];
        Check(Libc.FileActionsInit(fileActions), "posix_spawn_file_actions_init");
        Check(Libc.AttrInit(attributes), "posix_spawnattr_init");
        try
        {
            Check(Libc.FileActionsAddOpen(fileActions, 0, devNull.Pointer[0], Libc.ORdOnly, 0), "addopen");
            Check(Libc.FileActionsAddDup2(fileActions, stdout, 1), "adddup2");
            Check(Libc.FileActionsAddDup2(fileActions, stderr, 2), "adddup2");
            if (stem >= 0)
            {
                // dup2 clears close-on-exec on the copy: the runtime keeps fd 3 and nothing else of ours.
                Check(Libc.FileActionsAddDup2(fileActions, stem, RuntimeStartInfo.StemFd), "adddup2");
            }

            // Own process group; no blocked signals; default dispositions (.NET ignores SIGPIPE, which exec would keep).
            Check(Libc.AttrSetFlags(attributes, Libc.PosixSpawnSetPGroup | Libc.PosixSpawnSetSigMask | Libc.PosixSpawnSetSigDef), "setflags");
            Check(Libc.AttrSetPGroup(attributes, 0), "setpgroup");
            Check(Libc.SigEmptySet(signals), "sigemptyset");
            Check(Libc.AttrSetSigMask(attributes, signals), "setsigmask");
            Check(Libc.SigFillSet(signals), "sigfillset");
            Check(Libc.AttrSetSigDefault(attributes, signals), "setsigdefault");

            // Under the reaper's lock, so a runtime that exits at once is still recognised as the runtime.
            lock (_gate)
            {
                int pid;
                var error = Libc.PosixSpawn(&pid, nativePath.Pointer[0], fileActions, attributes, nativeArgv.Pointer, nativeEnvp.Pointer);
                if (error != 0)
                {
                    throw new RuntimeStartException($"cannot run {path}: {Marshal.GetPInvokeErrorMessage(error)}", error == 2 ? 127 : 126);
                }

                if (extension is not null)
                {
                    _extensions[pid] = extension;
                    _extensionPids.Add(pid);
                }
                else
                {
                    Volatile.Write(ref _pid, pid);
                }
            }
        }
        finally
        {
            _ = Libc.FileActionsDestroy(fileActions);
            _ = Libc.AttrDestroy(attributes);
        }
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(result)}");
        }
    }

    /// <summary>
    /// Called when the runtime's output pipes close (it has exited, with everything it started). If no SIGCHLD
    /// reported it — as PID 1 of a pid namespace the signal is not always delivered to our handler — wait for it
    /// directly; if something else already reaped it, report an exit without a status rather than none at all.
    /// </summary>
    public void OutputClosed()
    {
        var pid = Volatile.Read(ref _pid);
        lock (_gate)
        {
            _outputClosed = true;
        }

        if (pid == 0 || _exited.Task.IsCompleted || _template is not null)
        {
            // An adopted runtime is not our child: its template reports its end.
            return;
        }

        int status;
        int result;
        do
        {
            result = Libc.WaitPid(pid, &status, 0);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR);

        if (result == pid)
        {
            _exited.TrySetResult(RuntimeExit.FromWaitStatus(status));
            return;
        }

        // Reaped meanwhile: the SIGCHLD handler holds the gate from its waitpid until it has set the status, so with the
        // gate held its status is there (this set is then a no-op); without one, something else reaped the runtime.
        lock (_gate)
        {
            _exited.TrySetResult(new RuntimeExit(null, null));
        }
    }

    /// <summary>
    /// Runs <paramref name="execute"/> (an execve that returns only when it failed) while nothing here can reap the
    /// runtime, so that its end, however near, is the executed program's to report: only for a runtime that is this
    /// process's own child, still unreaped, with no extension started. Null when it does not apply, else what
    /// <paramref name="execute"/> returned.
    /// </summary>
    public string? ExecuteWhileUnreaped(Func<int, string> execute)
    {
        lock (_gate)
        {
            var pid = Volatile.Read(ref _pid);
            if (pid == 0 || _exited.Task.IsCompleted || _template is not null || _outputClosed || _extensionPids.Count > 0)
            {
                return null;
            }

            return execute(pid);
        }
    }

    private void Reap()
    {
        lock (_gate)
        {
            while (true)
            {
                int status;
                var pid = Libc.WaitPid(-1, &status, Libc.WNoHang);
                if (pid <= 0)
                {
                    // 0: children remain, none has ended; -1: no children (ECHILD) or EINTR, a later SIGCHLD retries.
                    return;
                }

                if (pid == _pid)
                {
                    _exited.TrySetResult(RuntimeExit.FromWaitStatus(status));
                }
                else if (_extensions.Remove(pid, out var extension))
                {
                    extension.TrySetResult(RuntimeExit.FromWaitStatus(status));
                }
            }
        }
    }
}
