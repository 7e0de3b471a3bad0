// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.RegularExpressions;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The host's cgroup layout as the runc backend uses it: containers live at <c>/nimbus/&lt;environment id&gt;</c>
/// (runc's cgroupsPath), under each v1 controller's mount or under the v2 unified root. Reads the memory peak and
/// OOM kills and writes the CPU quota directly (cheaper than a <c>runc update</c> process on the invoke path).
/// </summary>
internal sealed partial class RuncCgroups
{
    /// <summary>The parent of every container's cgroup, below each hierarchy's root.</summary>
    public const string Parent = "nimbus";

    public const int CpuPeriodMicroseconds = 100_000;

    private const string Root = "/sys/fs/cgroup";

    /// <summary>cgroup v1's cpu.shares of a stem cell until it is specialized (the default is 1,024).</summary>
    public const int StemCellCpuShares = 64;

    private const int DefaultCpuShares = 1024;

    private RuncCgroups(bool unified, bool swapAccounting)
    {
        IsUnified = unified;
        HasSwapAccounting = swapAccounting;
    }

    /// <summary>cgroup v2 (one unified hierarchy) rather than v1 or hybrid.</summary>
    public bool IsUnified { get; }

    /// <summary>v1: memory.memsw.* exists, so "no swap" can be expressed (memory+swap = memory).</summary>
    public bool HasSwapAccounting { get; }

    public static RuncCgroups Detect()
    {
        if (File.Exists(Path.Combine(Root, "cgroup.controllers")))
        {
            return new RuncCgroups(unified: true, swapAccounting: true);
        }

        return new RuncCgroups(unified: false, File.Exists(Path.Combine(Root, "memory", "memory.memsw.limit_in_bytes")));
    }

    /// <summary>
    /// The <c>cgroup.procs</c> of the cgroup this process is in (<see cref="CgroupLockWarmer"/>), from
    /// <c>/proc/self/cgroup</c>; null when it cannot be read or names no hierarchy mounted where Nimbus looks.
    /// </summary>
    public string? OwnProcsFile()
    {
        try
        {
            return ProcsFileOf(File.ReadAllText("/proc/self/cgroup"), IsUnified);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Why writing this process's pid into <paramref name="procsFile"/> (its own cgroup's, see <see cref="OwnProcsFile"/>)
    /// could move something, or null when it cannot: the file must list this process, and every thread of it must be
    /// in the process's cgroups (a write to cgroup.procs moves all threads to the cgroup written).
    /// </summary>
    public static string? WhyNotWarmable(string procsFile)
    {
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var listed = false;
        foreach (var line in File.ReadLines(procsFile))
        {
            if (line == pid)
            {
                listed = true;
                break;
            }
        }

        if (!listed)
        {
            return $"{procsFile} does not list this process ({pid})";
        }

        var own = File.ReadAllText("/proc/self/cgroup");
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string cgroups;
            try
            {
                cgroups = File.ReadAllText(Path.Combine(task, "cgroup"));
            }
            catch (IOException)
            {
                continue; // The thread ended meanwhile.
            }

            if (cgroups != own)
            {
                return $"thread {Path.GetFileName(task)} is in other cgroups than the process (threads placed one by one)";
            }
        }

        return null;
    }

    /// <summary>
    /// The <c>cgroup.procs</c> file of the cgroup that <paramref name="selfCgroup"/> (the text of
    /// <c>/proc/PID/cgroup</c>, lines of <c>id:controllers:path</c>) names: under v2 the unified hierarchy's
    /// (<c>0::path</c>); under v1 the pids controller's, else the memory controller's (runc moves its init into
    /// both), else the hybrid unified one at <c>/sys/fs/cgroup/unified</c>.
    /// </summary>
    public static string? ProcsFileOf(string selfCgroup, bool unified)
    {
        string? v2 = null;
        string? memory = null;
        foreach (var line in selfCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3 || !parts[2].StartsWith('/') || parts[2].Contains("/../", StringComparison.Ordinal) || parts[2].EndsWith("/..", StringComparison.Ordinal))
            {
                continue;
            }

            var path = parts[2].TrimStart('/');
            if (parts[1].Contains('/', StringComparison.Ordinal) || parts[1] is "." or "..")
            {
                continue;
            }

            if (parts[1].Length == 0)
            {
                v2 = path;
                continue;
            }

            var controllers = parts[1].Split(',');
            if (Array.IndexOf(controllers, "pids") >= 0)
            {
                return Path.Combine(Root, parts[1], path, "cgroup.procs");
            }

            if (Array.IndexOf(controllers, "memory") >= 0)
            {
                memory = Path.Combine(Root, parts[1], path, "cgroup.procs");
            }
        }

        if (unified)
        {
            return v2 is null ? null : Path.Combine(Root, v2, "cgroup.procs");
        }

        return memory ?? (v2 is null ? null : Path.Combine(Root, "unified", v2, "cgroup.procs"));
    }

    /// <summary>The CPU quota Lambda gives a memory size: MemorySize / 1,769 MB of one vCPU.</summary>
    public static long CpuQuotaMicroseconds(int memoryMb) =>
        Math.Max(1000, (long)Math.Round(memoryMb / 1769.0 * CpuPeriodMicroseconds, MidpointRounding.AwayFromZero));

    /// <summary>The container's memory peak file, held open by its sandbox (read on every invocation's REPORT).</summary>
    public CgroupNumberFile? OpenPeakMemory(string environmentId) => CgroupNumberFile.Open(IsUnified
        ? Path.Combine(Root, Parent, environmentId, "memory.peak")
        : Path.Combine(Root, "memory", Parent, environmentId, "memory.max_usage_in_bytes"));

    /// <summary>
    /// True once the kernel's OOM killer killed a process of the container. memory.failcnt is not used: it also
    /// counts every time reclaim of page cache kept the cgroup under its limit, which is no OOM.
    /// </summary>
    public bool OutOfMemory(string environmentId)
    {
        var file = IsUnified
            ? Path.Combine(Root, Parent, environmentId, "memory.events")
            : Path.Combine(Root, "memory", Parent, environmentId, "memory.oom_control");
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var kills))
                {
                    return kills > 0;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return false;
    }

    /// <summary>
    /// Throttles the container to <paramref name="quotaMicroseconds"/> of CPU time per 100 ms period. Written
    /// synchronously, as every cgroup file here: a write to cgroupfs is a kernel call that never waits for a disk, and
    /// this one sits between a cold start's init phase and its first invocation (an async write cost two thread-pool
    /// hops there).
    /// </summary>
    public void ApplyCpuQuota(string environmentId, long quotaMicroseconds)
    {
        if (IsUnified)
        {
            var max = string.Create(CultureInfo.InvariantCulture, $"{quotaMicroseconds} {CpuPeriodMicroseconds}");
            File.WriteAllText(Path.Combine(Root, Parent, environmentId, "cpu.max"), max);
            return;
        }

        var directory = Path.Combine(Root, "cpu", Parent, environmentId);
        var period = Path.Combine(directory, "cpu.cfs_period_us");
        if (ReadNumber(period) != CpuPeriodMicroseconds)
        {
            // Already the kernel's default (100 ms) in a new cgroup: a write, even of the same value, resets the
            // group's bandwidth timers and took 0.2–9 ms here.
            File.WriteAllText(period, CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
        }

        File.WriteAllText(Path.Combine(directory, "cpu.cfs_quota_us"), quotaMicroseconds.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A stem cell becomes a function's environment: its memory limit becomes the function's MemorySize (no swap)
    /// and its CPU share the default one. The memory limit and the memory+swap limit must stay ordered (v1 refuses
    /// a limit above memory+swap): lowering writes the limit first, raising memory+swap first. Synchronous writes, as
    /// in <see cref="ApplyCpuQuota"/>: this is on a cold start's clock.
    /// </summary>
    public void Specialize(string environmentId, int memoryMb)
    {
        var bytes = ((long)memoryMb * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        if (IsUnified)
        {
            var directory = Path.Combine(Root, Parent, environmentId);
            File.WriteAllText(Path.Combine(directory, "memory.max"), bytes);
            File.WriteAllText(Path.Combine(directory, "memory.swap.max"), "0");
            File.WriteAllText(Path.Combine(directory, "cpu.weight"), "100");
            return;
        }

        var memory = Path.Combine(Root, "memory", Parent, environmentId);
        var limit = Path.Combine(memory, "memory.limit_in_bytes");
        var withSwap = Path.Combine(memory, "memory.memsw.limit_in_bytes");
        var current = ReadNumber(limit);
        string[] order = current is { } now && now < (long)memoryMb * 1024 * 1024 ? [withSwap, limit] : [limit, withSwap];
        foreach (var file in order)
        {
            if (file == withSwap && !HasSwapAccounting)
            {
                continue;
            }

            File.WriteAllText(file, bytes);
        }

        File.WriteAllText(Path.Combine(Root, "cpu", Parent, environmentId, "cpu.shares"), DefaultCpuShares.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A container started at a stem cell's CPU share gets the default one (a SnapStart spare, taken).</summary>
    public void RestoreCpuShare(string environmentId)
    {
        if (IsUnified)
        {
            File.WriteAllText(Path.Combine(Root, Parent, environmentId, "cpu.weight"), "100");
            return;
        }

        File.WriteAllText(Path.Combine(Root, "cpu", Parent, environmentId, "cpu.shares"), DefaultCpuShares.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Every cgroup directory of a container (all hierarchies), whether or not it still exists.</summary>
    public IEnumerable<string> Directories(string environmentId)
    {
        foreach (var parent in ParentDirectories())
        {
            yield return Path.Combine(parent, environmentId);
        }
    }

    /// <summary>
    /// Removes the cgroup directories of <paramref name="environmentIds"/> (a previous run's environments) that are
    /// still there. rmdir fails on a cgroup that still has processes, so nothing alive is touched; returns how many
    /// were removed.
    /// </summary>
    public int RemoveOrphans(IReadOnlySet<string> environmentIds, Action<string, Exception> failed)
    {
        var removed = 0;
        foreach (var parent in ParentDirectories())
        {
            if (!Directory.Exists(parent))
            {
                continue;
            }

            foreach (var directory in Directory.EnumerateDirectories(parent))
            {
                var name = Path.GetFileName(directory);
                if (!EnvironmentIdPattern().IsMatch(name) || !environmentIds.Contains(name))
                {
                    continue;
                }

                try
                {
                    // A cgroup directory holds only the kernel's files: rmdir, not a recursive delete.
                    Directory.Delete(directory);
                    removed++;
                }
                catch (IOException e)
                {
                    failed(directory, e);
                }
                catch (UnauthorizedAccessException e)
                {
                    failed(directory, e);
                }
            }
        }

        return removed;
    }

    /// <summary>
    /// Removes container cgroups below <see cref="Parent"/>, of any work directory, that no environment can still own:
    /// empty and made before <paramref name="madeBeforeUtc"/>. A server killed with SIGKILL whose work directory was
    /// then deleted leaves its containers' cgroups behind (empty once nimbus-init has gone) and no sweep of its own
    /// ever comes. A live environment's cgroup holds its nimbus-init (rmdir refuses a cgroup with processes), and one
    /// runc is making is seconds old. Returns how many directories were removed.
    /// </summary>
    public int RemoveStale(DateTime madeBeforeUtc)
    {
        var removed = 0;
        foreach (var parent in ParentDirectories())
        {
            if (!Directory.Exists(parent))
            {
                continue;
            }

            foreach (var directory in Directory.EnumerateDirectories(parent))
            {
                if (!EnvironmentIdPattern().IsMatch(Path.GetFileName(directory)) || Directory.GetLastWriteTimeUtc(directory) >= madeBeforeUtc)
                {
                    continue;
                }

                try
                {
                    Directory.Delete(directory);
                    removed++;
                }
                catch (IOException)
                {
                    // Busy: a process is in it, so an environment (ours or another server's) still lives there.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        return removed;
    }

    /// <summary>When the container cgroup of <paramref name="environmentId"/> was made (its directory's time), or null.</summary>
    public DateTime? MadeAtUtc(string environmentId)
    {
        foreach (var directory in Directories(environmentId))
        {
            if (Directory.Exists(directory))
            {
                return Directory.GetLastWriteTimeUtc(directory);
            }
        }

        return null;
    }

    private IEnumerable<string> ParentDirectories()
    {
        if (IsUnified)
        {
            yield return Path.Combine(Root, Parent);
            yield break;
        }

        if (!Directory.Exists(Root))
        {
            yield break;
        }

        // v1: one hierarchy per mounted controller (and the named systemd and hybrid unified ones).
        foreach (var hierarchy in Directory.EnumerateDirectories(Root))
        {
            if (new DirectoryInfo(hierarchy).LinkTarget is null)
            {
                yield return Path.Combine(hierarchy, Parent);
            }
        }
    }

    private static long? ReadNumber(string file)
    {
        try
        {
            var text = File.ReadAllText(file).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
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

    /// <summary>Whether <paramref name="name"/> has the shape of an environment id (32 lowercase hex digits).</summary>
    public static bool IsEnvironmentId(string name) => EnvironmentIdPattern().IsMatch(name);

    [GeneratedRegex("^[0-9a-f]{32}\\z")]
    private static partial Regex EnvironmentIdPattern();
}
