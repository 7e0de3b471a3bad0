// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Bench;

/// <summary>What /proc says about processes: parents, command lines, resident sets.</summary>
internal static class ProcFs
{
    /// <summary>A one-line file of /proc or /sys, trimmed; null when it cannot be read.</summary>
    public static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>VmRSS from /proc/PID/status, in bytes; null once the process is gone.</summary>
    public static long? ResidentBytes(int pid)
    {
        var lines = ReadLines($"/proc/{pid}/status");
        foreach (var line in lines ?? [])
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:     12345 kB"
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    /// <summary>Pss from /proc/PID/smaps_rollup (shared pages divided among their users), in bytes; null if unreadable.</summary>
    public static long? ProportionalBytes(int pid) => RollupBytes(pid, "Pss:");

    /// <summary>
    /// The process's private pages (USS: Private_Clean + Private_Dirty of smaps_rollup), what ending it would free;
    /// pages it shares with others (a binary's text mapped by every environment) are not counted.
    /// </summary>
    public static long? PrivateBytes(int pid) => RollupBytes(pid, "Private_Clean:") + RollupBytes(pid, "Private_Dirty:");

    private static long? RollupBytes(int pid, string field)
    {
        foreach (var line in ReadLines($"/proc/{pid}/smaps_rollup") ?? [])
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kilobytes = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    /// <summary>The processes whose parent is <paramref name="parent"/> and whose command line contains <paramref name="commandPart"/>.</summary>
    public static List<int> ChildrenMatching(int parent, string commandPart)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ParentOf(pid) != parent)
            {
                continue;
            }

            if (CommandLine(pid) is { } command && command.Contains(commandPart, StringComparison.Ordinal))
            {
                result.Add(pid);
            }
        }

        result.Sort();
        return result;
    }

    /// <summary>
    /// The processes of the server's environments outside the runtime, by environment: with the process sandbox its
    /// nimbus-init children; under runc (whose containers are not the server's children: <c>runc run --detach</c>
    /// leaves them to pid 1) each container's init (tini, from runc's state under the data directory), the
    /// nimbus-init below it, and the server's slirp4netns children (one per environment, counted apart) or its one
    /// nimbus-net (every sandbox's network: not per environment, see <see cref="SharedNetworks"/>).
    /// </summary>
    public static EnvironmentProcesses EnvironmentsOf(int server, string dataDirectory)
    {
        // nimbus-init, or nimbus-idle once nimbus-init executed it (same process; its command line names nimbus-idle).
        var inits = ChildrenMatching(server, "nimbus-init");
        inits.AddRange(ChildrenMatching(server, "nimbus-idle"));
        var containerInits = new List<int>();
        foreach (var state in RuncStates(dataDirectory))
        {
            if (ContainerInitPid(state) is not { } pid)
            {
                continue;
            }

            // By name, not command line: tini's command line names nimbus-init too.
            if (ReadLines($"/proc/{pid}/comm") is ["nimbus-init", ..] or ["nimbus-idle", ..])
            {
                inits.Add(pid);
                continue;
            }

            containerInits.Add(pid);
            inits.AddRange(ChildrenMatching(pid, "nimbus-init"));
            inits.AddRange(ChildrenMatching(pid, "nimbus-idle"));
        }

        return new EnvironmentProcesses(inits, containerInits, ChildrenMatching(server, "slirp4netns"));
    }

    /// <summary>The server's nimbus-net: one process that is the network of all its runc sandboxes.</summary>
    public static List<int> SharedNetworks(int server) => ChildrenMatching(server, "nimbus-net");

    private static IEnumerable<string> RuncStates(string dataDirectory)
    {
        // runc --root is <work directory>/runc; the work directory is below the data directory.
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true };
        foreach (var root in Directory.EnumerateDirectories(dataDirectory, "runc", options))
        {
            foreach (var container in Directory.EnumerateDirectories(root))
            {
                var state = Path.Combine(container, "state.json");
                if (File.Exists(state))
                {
                    yield return state;
                }
            }
        }
    }

    private static int? ContainerInitPid(string statePath)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(statePath));
            return document.RootElement.TryGetProperty("init_process_pid", out var pid) && pid.TryGetInt32(out var value) ? value : null;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return null; // A container starting or going away.
        }
    }

    /// <summary>Every process below <paramref name="pid"/> (children, their children, ...).</summary>
    public static List<int> Descendants(int pid)
    {
        var byParent = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var child)
                && ParentOf(child) is { } parent)
            {
                if (!byParent.TryGetValue(parent, out var children))
                {
                    byParent[parent] = children = [];
                }

                children.Add(child);
            }
        }

        var result = new List<int>();
        var pending = new Stack<int>([pid]);
        while (pending.Count > 0)
        {
            foreach (var child in byParent.GetValueOrDefault(pending.Pop()) ?? [])
            {
                result.Add(child);
                pending.Push(child);
            }
        }

        return result;
    }

    /// <summary>The 1, 5 and 15-minute load averages (/proc/loadavg): other work on the machine skews every figure.</summary>
    public static string LoadAverage() => ReadLines("/proc/loadavg") is [var line, ..]
        ? string.Join(' ', line.Split(' ').Take(3))
        : "unknown";

    /// <summary>
    /// Microseconds of CPU a process has used, user and system, all its threads together, ended ones included
    /// (utime + stime of /proc/PID/stat, in clock ticks of 10 ms), or null when it is gone.
    /// </summary>
    public static long? CpuMicroseconds(int pid)
    {
        if (ReadLines($"/proc/{pid}/stat") is not [var line, ..])
        {
            return null;
        }

        var close = line.LastIndexOf(')');
        if (close < 0 || close + 2 > line.Length)
        {
            return null;
        }

        // Fields after "(comm) ": state is field 3, utime field 14, stime field 15.
        var fields = line[(close + 2)..].Split(' ');
        return fields.Length > 12
            && long.TryParse(fields[11], System.Globalization.CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], System.Globalization.CultureInfo.InvariantCulture, out var system)
            ? (user + system) * 10_000
            : null;
    }

    /// <summary>The executable of a process (/proc/PID/exe), or null.</summary>
    public static string? Executable(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? ParentOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
    }

    private static string[]? ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>An environment's processes outside its runtime: nimbus-init, the container's init (runc), slirp4netns (runc).</summary>
internal sealed record EnvironmentProcesses(List<int> Inits, List<int> ContainerInits, List<int> Networks)
{
    public IEnumerable<int> All => Inits.Concat(ContainerInits).Concat(Networks);

    public EnvironmentProcesses Except(EnvironmentProcesses earlier) => new(
        Inits.Where(pid => !earlier.Inits.Contains(pid)).ToList(),
        ContainerInits.Where(pid => !earlier.ContainerInits.Contains(pid)).ToList(),
        Networks.Where(pid => !earlier.Networks.Contains(pid)).ToList());
}
