// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.TestKit;

/// <summary>
/// Removes a killed server's data directory. A server stopped with SIGKILL cannot detach what it mounted on the host
/// (the runc stem cells' shared mount points and tmpfs, under its data directory); a server started again on the
/// directory would sweep them, but a test's directory is deleted instead, and every mount left behind stays in the
/// host's mount table for good (thousands of them slow every process start: the .NET runtime reads mountinfo). So
/// the mounts below the directory are detached first, deepest first, then the directory goes.
/// </summary>
public static partial class DataDirectory
{
    private const int MntDetach = 2;

    /// <summary>Best effort: what cannot be detached or deleted is left, never thrown.</summary>
    public static void Remove(string path)
    {
        DetachMountsBelow(path);
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Detaches every mount at or below <paramref name="path"/>; returns how many.</summary>
    public static int DetachMountsBelow(string path)
    {
        var root = Path.GetFullPath(path).TrimEnd('/');
        var targets = new List<string>();
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                // id parent major:minor root mount-point options ... (the mount point escapes space, tab, newline, \ as \ooo)
                var fields = line.Split(' ', 6);
                if (fields.Length >= 5)
                {
                    var point = fields[4].Contains('\\', StringComparison.Ordinal)
                        ? System.Text.RegularExpressions.Regex.Replace(fields[4], @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString())
                        : fields[4];
                    if (point == root || point.StartsWith(root + "/", StringComparison.Ordinal))
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

        targets.Sort((a, b) => b.Length.CompareTo(a.Length));
        var detached = 0;
        foreach (var target in targets)
        {
            detached += Umount2(target, MntDetach) == 0 ? 1 : 0;
        }

        return detached;
    }

    [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2(string target, int flags);
}
