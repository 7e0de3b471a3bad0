// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Runtime.InteropServices;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// The names of what a SnapStart template leaves in the socket directory (its socket under the process sandbox; under
/// runc its directory <c>snap-…/</c>, the host's link of its socket <c>snap-….sock</c> and its seccomp rules
/// <c>snap-….seccomp.json</c>), and their removal at a server's start when a killed server left them. The work
/// directory's own socket directory is one server's (its data directory's lock): a start empties it
/// (<see cref="RemoveContents"/>). A fallback socket directory in the temporary directory is made per server, beside
/// other servers' (Invoker.SocketDirectory): its name carries its server's identity (pid, the kernel's start time of
/// that process, this boot's id, as template names do), and a start removes only those whose server is provably gone:
/// no process with that pid and start time in this boot. Names of another form (older servers') are left alone.
/// </summary>
internal static partial class SnapshotFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;

    private const string Prefix = "snap-";

    private static readonly Lazy<string> s_owner = new(() => OwnerOf(Environment.ProcessId) ?? throw new InvalidOperationException("this process's start time cannot be read from /proc/self/stat"));

    private static int s_counter;

    /// <summary>A new base name (no extension) for a template of this server: unique among this process's templates.</summary>
    public static string NewName() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{s_owner.Value}-{Interlocked.Increment(ref s_counter):x}");

    /// <summary>
    /// The owner part of a name for the process <paramref name="pid"/> (pid, start time in clock ticks since boot, and
    /// the boot's id, all hex, dot-separated); null when the process is gone.
    /// </summary>
    public static string? OwnerOf(int pid)
    {
        var start = StartTime(pid);
        return start is null ? null : string.Create(CultureInfo.InvariantCulture, $"{pid:x}.{start.Value:x}.{BootId()}");
    }

    /// <summary>
    /// Removes one of a template's names (its directory, socket or seccomp rules) without walking what the template
    /// made: its directory is the sandbox user's, and a template of a killed server may still run and swap a directory
    /// in it for a link, which a recursive delete would follow out of it. Only the names a template has go, then the
    /// directory if that emptied it. False when something stays.
    /// </summary>
    public static bool Remove(string path)
    {
        try
        {
            if (Directory.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                File.Delete(Path.Combine(path, Sandboxes.RuncSnapshot.SocketName));
                File.Delete(Path.Combine(path, "seccomp.json"));
                Directory.Delete(path);
            }
            else
            {
                File.Delete(path);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // More in it than a template's names, another server's sweep of the same leftovers, or a mount still on it.
            return false;
        }
    }

    /// <summary>The prefix of this server's own fallback socket directory in the temporary directory (Invoker.SocketDirectory).</summary>
    public static string FallbackDirectoryPrefix => $"nimbus-{s_owner.Value}-";

    /// <summary>
    /// Removes the fallback socket directories (<c>nimbus-OWNER-*</c> in <paramref name="temporary"/>) of servers that
    /// are gone, with the sockets and templates' files in them; returns how many. Only directories this user made
    /// (a name alone may be another local user's, who could then lead the delete elsewhere).
    /// </summary>
    public static int SweepStaleFallbackDirectories(string temporary)
    {
        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(temporary, "nimbus-*"))
        {
            var name = Path.GetFileName(directory);
            if (Owner("snap-" + name["nimbus-".Length..]) is not { } owner || !IsGone(owner) || !IsOwnPrivateDirectory(directory))
            {
                continue;
            }

            try
            {
                RemoveContents(directory);
                Directory.Delete(directory);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Something stays in it: left as it is.
            }
        }

        return removed;
    }

    /// <summary>
    /// Empties a socket directory no live server uses (a previous run's, or a gone server's fallback directory): its
    /// environments' sockets, and its templates' files without walking their directories (<see cref="Remove"/>).
    /// </summary>
    public static void RemoveContents(string directory)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            if (Path.GetFileName(entry).StartsWith(Prefix, StringComparison.Ordinal))
            {
                _ = Remove(entry);
            }
            else if (!Directory.Exists(entry) || new FileInfo(entry).LinkTarget is not null)
            {
                File.Delete(entry);
            }
        }
    }

    /// <summary>A directory itself (not a link), this process's user's, 0700: as mkdtemp made it.</summary>
    private static unsafe bool IsOwnPrivateDirectory(string path)
    {
        // struct statx: stx_uid at 20, stx_mode (16 bits) at 28; 256 bytes in all.
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxUid, buffer) != 0)
        {
            return false;
        }

        var mode = *(ushort*)(buffer + 28);
        return (mode & 0xF000) == 0x4000 && (mode & 0x1FF) == 0x1C0 && *(uint*)(buffer + 20) == GetEuid();
    }

    /// <summary>The owner part of a template's file name (<c>snap-PID.START.BOOT-N[.ext]</c>), or null for another form.</summary>
    private static string? Owner(string name)
    {
        var rest = name.AsSpan(Prefix.Length);
        var dash = rest.IndexOf('-');
        if (dash <= 0)
        {
            return null;
        }

        var owner = rest[..dash].ToString();
        var parts = owner.Split('.');
        return parts.Length == 3 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiHexDigitLower)) ? owner : null;
    }

    /// <summary>True when no process of this boot has the owner's pid and start time.</summary>
    private static bool IsGone(string owner)
    {
        var parts = owner.Split('.');
        if (parts[2] != BootId())
        {
            return true; // A server of an earlier boot.
        }

        return !int.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var pid)
            || OwnerOf(pid) != owner;
    }

    /// <summary>Field 22 of /proc/PID/stat (after the command, which may hold spaces and parentheses); null when gone.</summary>
    private static ulong? StartTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command: state is field 3, so start time (field 22) is the 20th of these.
        return fields.Length > 19 && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    /// <summary>The first 8 hex digits of this boot's id: a pid and start time are unique only within one boot.</summary>
    private static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Replace("-", "", StringComparison.Ordinal)[..8];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return "0";
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
