// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// The names of what a SnapStart template leaves in the socket directory (its socket under the process sandbox; under
/// runc its directory <c>snap-…/</c>, the host's link of its socket <c>snap-….sock</c> and its seccomp rules
/// <c>snap-….seccomp.json</c>), and the start-up sweep of those a killed server left. Two servers may share a socket
/// directory (the work directory is a setting), and a name alone cannot tell whose a file is: so each name carries its
/// server's identity (pid, the kernel's start time of that process, this boot's id), and the sweep removes only files
/// whose server is provably gone: no process with that pid and start time in this boot. Names of another form (older
/// servers') are left alone.
/// </summary>
internal static class SnapshotFiles
{
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
    /// Removes the templates' files in <paramref name="directory"/> whose server is gone; returns how many names it
    /// removed. Files of live servers (this one included) and names it cannot read an owner from stay.
    /// </summary>
    public static int SweepStale(string directory)
    {
        var removed = 0;
        foreach (var path in Directory.EnumerateFileSystemEntries(directory, Prefix + "*"))
        {
            if (Owner(Path.GetFileName(path)) is not { } owner || !IsGone(owner))
            {
                continue;
            }

            try
            {
                // A template's directory is the sandbox user's, and a template of a killed server may still run: what
                // its code made there is not walked (a directory swapped for a link meanwhile would lead a recursive
                // delete out of it). Only the names a template has go, then the directory if that emptied it.
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

                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another server's sweep of the same leftovers, or a mount still on it: the next start tries again.
            }
        }

        return removed;
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
}
