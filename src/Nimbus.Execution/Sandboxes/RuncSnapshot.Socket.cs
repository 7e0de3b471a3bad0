// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The template's socket as restored containers get it (docs/cold-starts.md#snapstart, "Isolation under runc"): the
/// template's directory is its own (uid 993, writable), so a path in it names whatever the template's code puts there
/// (a symlink to any host path, which runc would follow as root when it binds it). Once the template is ready, the
/// host takes the inode at that name without following a link, checks that it is a socket the sandbox user made, and
/// links it into the host's own directory; restored containers bind that link, which the template cannot touch.
/// </summary>
internal static partial class RuncSnapshot
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkFollow = 0x400;
    private const int AtEmptyPath = 0x1000;
    private const int OPath = 0x200000;
    private const int ONoFollow = 0x20000;
    private const int OCloExec = 0x80000;
    private const uint StatxType = 0x1;
    private const uint StatxUid = 0x8;
    private const int SocketType = 0xC000;
    private const int TypeMask = 0xF000;

    /// <summary>Where the host keeps the template's socket for restored containers (beside its directory, root's).</summary>
    public static string LinkPath(string directory) => directory + ".sock";

    /// <summary>The seccomp rules the template's runtimes install, root's, bound read-only into the template.</summary>
    public static string SeccompPath(string directory) => directory + ".seccomp.json";

    /// <summary>
    /// Links the socket the template listens on (<see cref="SocketName"/> in <paramref name="directory"/>) at
    /// <see cref="LinkPath"/> once checked: a socket (not a symlink or anything else) owned by the sandbox user.
    /// Returns the link's path.
    /// </summary>
    public static unsafe string LinkSocket(string directory)
    {
        var link = LinkPath(directory);
        File.Delete(link);
        var fd = Open(Path.Combine(directory, SocketName), OPath | ONoFollow | OCloExec);
        if (fd < 0)
        {
            throw new SandboxStartException($"The SnapStart template's socket is missing: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            // struct statx: stx_uid at 20, stx_mode (16 bits) at 28; 256 bytes in all.
            var buffer = stackalloc byte[256];
            if (Statx(fd, "", AtEmptyPath, StatxType | StatxUid, buffer) != 0)
            {
                throw new SandboxStartException($"The SnapStart template's socket cannot be examined: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            var uid = *(uint*)(buffer + 20);
            var mode = *(ushort*)(buffer + 28);
            if ((mode & TypeMask) != SocketType || uid != RuncBundle.SandboxUid)
            {
                throw new SandboxStartException($"The SnapStart template's socket was replaced (mode {mode:x}, owner {uid}): the snapshot is not used.");
            }

            // The inode opened above, whatever the name in the template's directory is by now.
            if (Linkat(AtFdCwd, $"/proc/self/fd/{fd}", AtFdCwd, link, AtSymlinkFollow) != 0)
            {
                throw new SandboxStartException($"The SnapStart template's socket cannot be linked: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            return link;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);
}
