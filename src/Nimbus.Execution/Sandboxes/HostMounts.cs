// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using System.Text;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The mount(2) calls a stem cell needs on the host (root only): a shared mount point per cell, read-only binds of
/// code and layers into it (they propagate into the cell's container), its /tmp tmpfs and its resizing, and the
/// detaching of all of it before a cell's bundle is deleted. Direct syscalls: a <c>mount</c> process per step would
/// cost milliseconds on the cold-start path.
/// </summary>
internal static partial class HostMounts
{
    private const ulong MsRdOnly = 1;
    private const ulong MsNoSuid = 2;
    private const ulong MsNoDev = 4;
    private const ulong MsRemount = 32;
    private const ulong MsBind = 4096;
    private const ulong MsRec = 16384;
    private const ulong MsPrivate = 1 << 18;
    private const ulong MsShared = 1 << 20;
    private const int MntDetach = 2;

    /// <summary>Makes <paramref name="directory"/> a mount of its own in a new shared peer group.</summary>
    public static void MakeSharedMountPoint(string directory)
    {
        Check(Mount(directory, directory, null, MsBind, null), "bind", directory);
        Check(Mount("none", directory, null, MsPrivate, null), "make-private", directory);
        Check(Mount("none", directory, null, MsShared, null), "make-shared", directory);
    }

    /// <summary>
    /// Binds <paramref name="source"/> read-only (nosuid, nodev) at <paramref name="target"/>. A remount's flags do not
    /// propagate, so the read-only bind is made at a private staging directory first and then bound to the shared
    /// target: the copy, and every copy propagated from it, is read-only from its first moment.
    /// </summary>
    public static void BindReadOnly(string source, string staging, string target)
    {
        Directory.CreateDirectory(staging);
        Check(Mount(source, staging, null, MsBind | MsRec, null), "bind", staging);
        try
        {
            Check(Mount("none", staging, null, MsRemount | MsBind | MsRdOnly | MsNoSuid | MsNoDev, null), "remount ro", staging);
            Check(Mount(staging, target, null, MsBind | MsRec, null), "bind", target);
        }
        finally
        {
            _ = Umount2(staging, MntDetach);
        }
    }

    /// <summary>Mounts a tmpfs of <paramref name="sizeMb"/> MB (mode 1777, nosuid, nodev) at <paramref name="target"/>.</summary>
    public static void MountTmpfs(string target, int sizeMb) =>
        Check(Mount("tmpfs", target, "tmpfs", MsNoSuid | MsNoDev, $"mode=1777,size={sizeMb}m"), "tmpfs", target);

    /// <summary>Changes the size of the tmpfs at <paramref name="target"/>; every bind of it (the container's /tmp) sees the new size.</summary>
    public static void ResizeTmpfs(string target, int sizeMb) =>
        Check(Mount("tmpfs", target, null, MsRemount | MsNoSuid | MsNoDev, $"size={sizeMb}m"), "resize tmpfs", target);

    /// <summary>Detaches every mount at or below <paramref name="directory"/>, deepest first; returns how many.</summary>
    public static int DetachBelow(string directory)
    {
        var prefix = directory.TrimEnd('/') + "/";
        var targets = new List<string>();
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                // id parent major:minor root mount-point options ...
                var fields = line.Split(' ', 6);
                if (fields.Length >= 5)
                {
                    var point = Unescape(fields[4]);
                    if (point == directory.TrimEnd('/') || point.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        targets.Add(point);
                    }
                }
            }
        }
        catch (IOException)
        {
            return 0;
        }

        // Deepest first; a path mounted over twice is detached as often as it appears.
        targets.Sort((a, b) => b.Length.CompareTo(a.Length));
        var detached = 0;
        foreach (var target in targets)
        {
            if (Umount2(target, MntDetach) == 0)
            {
                detached++;
            }
        }

        return detached;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static void Check(int result, string what, string path)
    {
        if (result != 0)
        {
            throw new SandboxStartException($"mount ({what}) of {path} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2(string target, int flags);
}
