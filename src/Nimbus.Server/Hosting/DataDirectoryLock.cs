// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Nimbus.Server.Interop;

namespace Nimbus.Server.Hosting;

/// <summary>
/// The exclusive lock of one data directory: <c>flock</c> on <c>&lt;DataDir&gt;/nimbus.lock</c>, held for the
/// server process's life (the kernel drops it when the process ends, however it ends), with the holder's pid
/// written in the file. A second server on the same directory finds the lock taken and names that pid.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "nimbus.lock";

    private readonly SafeFileHandle _handle;

    private DataDirectoryLock(SafeFileHandle handle) => _handle = handle;

    /// <summary>
    /// Takes the lock, or returns null with <paramref name="holder"/> set to the pid written by the server that
    /// holds it (null when it cannot be read).
    /// </summary>
    public static DataDirectoryLock? TryAcquire(string dataDirectory, out int? holder)
    {
        holder = null;
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);

        // O_CLOEXEC: sandboxes and helpers started by the server must not inherit (and so outlive it with) the lock.
        var fd = Libc.Open(path, Libc.ORdWr | Libc.OCreat | Libc.OCloExec, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Libc.Flock(handle, Libc.LockExclusive | Libc.LockNonBlocking) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            try
            {
                if (error != Libc.EWouldBlock)
                {
                    throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(error)}");
                }

                holder = ReadPid(handle);
                return null;
            }
            finally
            {
                handle.Dispose();
            }
        }

        Libc.Ftruncate(handle, 0);
        RandomAccess.Write(handle, Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"), 0);
        return new DataDirectoryLock(handle);
    }

    public void Dispose() => _handle.Dispose();

    private static int? ReadPid(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[32];
        var length = RandomAccess.Read(handle, buffer, 0);
        return int.TryParse(Encoding.ASCII.GetString(buffer[..length]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
    }
}
