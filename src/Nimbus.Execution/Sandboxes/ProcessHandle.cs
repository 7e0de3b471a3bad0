// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A process the host signals that is not its child (a SnapStart container's holder and reaper, the runtime a
/// template forked), held by a pidfd (pidfd_open, Linux 5.3) taken while the process is known to be the right one:
/// once it ends, its pid may be reused, but the pidfd still names the process that ended, so a signal never reaches
/// another one. Null from <see cref="Open"/> when the process is already gone.
/// </summary>
internal sealed partial class ProcessHandle : IDisposable
{
    private const int Eperm = 1;
    private const int Esrch = 3;
    private const int Enosys = 38;
    private const int SigKill = 9;

    // A SafeHandle: a signal sent while another thread disposes it never goes to whatever reuses its number.
    private readonly SafeFileHandle _fd;

    private ProcessHandle(int pid, SafeFileHandle fd)
    {
        Pid = pid;
        _fd = fd;
    }

    /// <summary>The pidfd itself (e.g. for setns, which takes one since Linux 5.8).</summary>
    public SafeHandle Descriptor => _fd;

    /// <summary>The pid the process had (and has while <see cref="IsAlive"/>).</summary>
    public int Pid { get; }

    /// <summary>
    /// A pidfd of <paramref name="pid"/> now: the caller checks afterwards (<see cref="IsAlive"/>) that what it read of
    /// the pid meanwhile was this process's. Null when there is no such process.
    /// </summary>
    public static ProcessHandle? Open(int pid)
    {
        var fd = PidfdOpen(pid, 0);
        if (fd.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            fd.Dispose();
            return errno == Esrch ? null : throw new IOException($"pidfd_open({pid}): {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return new ProcessHandle(pid, fd);
    }

    /// <summary>
    /// True while the process has not been reaped: its pid is still its own, so what was read through /proc/PID
    /// since <see cref="Open"/> was read of this process.
    /// </summary>
    public bool IsAlive => Signal(0);

    /// <summary>SIGKILL to this process, never to another one with its pid; false when it was already gone.</summary>
    public bool Kill() => Signal(SigKill);

    /// <summary>
    /// A copy, in this process, of the process's descriptor <paramref name="fd"/> (pidfd_getfd, Linux 5.6; needs
    /// ptrace rights over it: the server's own sandboxes). Close-on-exec.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">This process may not copy the process's descriptors (EPERM, or no pidfd_getfd: ENOSYS).</exception>
    /// <exception cref="IOException">Any other failure (no such descriptor).</exception>
    public int CopyDescriptor(int fd)
    {
        var copy = PidfdGetfd(_fd, fd, 0);
        if (copy >= 0)
        {
            return copy;
        }

        var errno = Marshal.GetLastPInvokeError();
        var message = $"pidfd_getfd({Pid}, {fd}): {Marshal.GetPInvokeErrorMessage(errno)}";
        throw errno is Eperm or Enosys ? new UnauthorizedAccessException(message) : new IOException(message);
    }

    public void Dispose() => _fd.Dispose();

    private bool Signal(int signal)
    {
        try
        {
            return PidfdSendSignal(_fd, signal, 0, 0) == 0;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "pidfd_open", SetLastError = true)]
    private static partial SafeFileHandle PidfdOpen(int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "pidfd_getfd", SetLastError = true)]
    private static partial int PidfdGetfd(SafeFileHandle pidfd, int targetFd, uint flags);

    [LibraryImport("libc", EntryPoint = "pidfd_send_signal", SetLastError = true)]
    private static partial int PidfdSendSignal(SafeFileHandle pidfd, int signal, nint info, uint flags);
}
