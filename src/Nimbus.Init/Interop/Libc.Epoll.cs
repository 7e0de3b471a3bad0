// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Init.Interop;

/// <summary>Removing a descriptor from this process's epoll sets (a connection handed to the host).</summary>
internal static unsafe partial class Libc
{
    private const int EpollCtlDel = 2;

    /// <summary>
    /// Removes <paramref name="fd"/> from every epoll set of this process (the .NET socket engine's). An epoll
    /// registration lives as long as the open file description, not the descriptor: once the host holds a copy of a
    /// socket, closing ours would leave it registered here and every arrival on it would still wake this process.
    /// </summary>
    public static void ForgetInEpollSets(int fd)
    {
        foreach (var entry in Directory.EnumerateFiles("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var candidate) || candidate == fd)
            {
                continue;
            }

            try
            {
                if (new FileInfo(entry).LinkTarget is "anon_inode:[eventpoll]")
                {
                    _ = EpollCtl(candidate, EpollCtlDel, fd, null);
                }
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }
    }

    [LibraryImport(LibraryName, EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int operation, int fd, void* eventData);
}
