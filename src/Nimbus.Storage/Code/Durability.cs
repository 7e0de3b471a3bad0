// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Storage.Code;

/// <summary>
/// Makes file-system changes survive a crash: a rename is durable only once its directory is flushed, and
/// files written without fsync may be empty after a power loss even though their directory entries exist.
/// On Windows, NTFS journals its metadata and has no directory handle to flush, so these are no-ops there.
/// </summary>
internal static class Durability
{
    private const int ReadOnly = 0;

    // O_CLOEXEC, so that a container runtime started meanwhile does not inherit the descriptor.
    private static int CloseOnExec => OperatingSystem.IsMacOS() ? 0x1000000 : 0x80000;

    /// <summary>fsyncs a directory, so that entries created, renamed or removed in it are on disk.</summary>
    public static void FlushDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        WithDescriptor(path, fd =>
        {
            if (NativeMethods.FSync(fd) != 0)
            {
                throw Failure("fsync", path);
            }
        });
    }

    /// <summary>Flushes everything written under <paramref name="path"/> with one call instead of one fsync per file.</summary>
    public static void FlushFileSystem(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!OperatingSystem.IsLinux())
        {
            NativeMethods.Sync();
            return;
        }

        WithDescriptor(path, fd =>
        {
            if (NativeMethods.SyncFs(fd) != 0)
            {
                throw Failure("syncfs", path);
            }
        });
    }

    private static void WithDescriptor(string path, Action<int> action)
    {
        var fd = NativeMethods.Open(path, ReadOnly | CloseOnExec);
        if (fd < 0)
        {
            throw Failure("open", path);
        }

        try
        {
            action(fd);
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    private static IOException Failure(string call, string path) =>
        new($"{call} of {path} failed: {Marshal.GetLastPInvokeErrorMessage()}", Marshal.GetLastPInvokeError());
}
