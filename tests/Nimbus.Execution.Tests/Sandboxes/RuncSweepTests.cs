// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// The start-up sweep of the runc backend removes what this work directory's previous run left and, of another data
/// directory's (all share the cgroup parent /nimbus), only what no live environment can own: cgroups empty for over a
/// minute and runc inits stranded in the created state. Needs root and runc (RuncTestHost).
/// </summary>
public sealed class RuncSweepTests
{
    [Fact]
    public async Task Create_AnotherDirectorysEmptyCgroup_IsLeftAlone()
    {
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();

        // An environment of another server, between runc's creating its cgroup and putting a process in it.
        var foreignId = Guid.NewGuid().ToString("N");
        var foreign = factory.Cgroups.Directories(foreignId).Where(d => Directory.Exists(Path.GetDirectoryName(d))).ToList();
        Assert.NotEmpty(foreign);
        foreach (var directory in foreign)
        {
            Directory.CreateDirectory(directory);
        }

        try
        {
            host.CreateRuncFactory();

            Assert.All(foreign, directory => Assert.True(Directory.Exists(directory), $"{directory} was swept"));
        }
        finally
        {
            foreach (var directory in foreign.Where(Directory.Exists))
            {
                Directory.Delete(directory);
            }
        }
    }

    [Fact]
    public async Task Create_ABundleLeftWithItsCgroup_RemovesBoth()
    {
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var id = Guid.NewGuid().ToString("N");
        var bundle = Path.Combine(host.Work, "env", id);
        Directory.CreateDirectory(bundle);
        var cgroups = factory.Cgroups.Directories(id).Where(d => Directory.Exists(Path.GetDirectoryName(d))).ToList();
        foreach (var directory in cgroups)
        {
            Directory.CreateDirectory(directory);
        }

        host.CreateRuncFactory();

        Assert.False(Directory.Exists(bundle));
        Assert.All(cgroups, directory => Assert.False(Directory.Exists(directory), $"{directory} was left"));
    }

    [Fact]
    public async Task Create_AnotherDirectorysEmptyCgroupOverAMinuteOld_IsRemoved()
    {
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();

        // What a server killed with SIGKILL leaves once its data directory is deleted.
        var foreign = MakeCgroups(factory, DateTime.UtcNow.AddMinutes(-2));

        host.CreateRuncFactory();

        Assert.All(foreign, directory => Assert.False(Directory.Exists(directory), $"{directory} was left"));
    }

    [Fact]
    public async Task Create_AnOldCgroupWithAProcess_IsLeftAlone()
    {
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        // Aged only once the process is in: any sweep (other tests make factories too) may take an old empty one.
        var foreign = MakeCgroups(factory, DateTime.UtcNow);
        using var sleeper = StartIn(foreign, "sleeper");
        Age(foreign);
        try
        {
            host.CreateRuncFactory();

            Assert.All(foreign, directory => Assert.True(Directory.Exists(directory), $"{directory} was swept"));
            Assert.False(sleeper.HasExited);
        }
        finally
        {
            sleeper.Kill();
            await sleeper.WaitForExitAsync(TestContext.Current.CancellationToken);
            RemoveWhenEmpty(foreign);
        }
    }

    [Fact]
    public async Task Create_ARuncInitStrandedInAnOldCgroup_IsKilled_AndOneInAYoungCgroupIsNot()
    {
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var old = MakeCgroups(factory, DateTime.UtcNow);
        var young = MakeCgroups(factory, DateTime.UtcNow);
        using var stranded = StartIn(old, "runc:[2:INIT]");
        using var creating = StartIn(young, "runc:[2:INIT]");
        Age(old);
        try
        {
            host.CreateRuncFactory();

            // Killed by the sweep (this one's or, as sweeps see every work directory's, another test's).
            await stranded.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.False(creating.HasExited);
        }
        finally
        {
            foreach (var process in (System.Diagnostics.Process[])[stranded, creating])
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            RemoveWhenEmpty(old);
            RemoveWhenEmpty(young);
        }
    }

    private static List<string> MakeCgroups(Nimbus.Execution.Sandboxes.RuncSandboxFactory factory, DateTime madeUtc)
    {
        var id = Guid.NewGuid().ToString("N");
        var directories = factory.Cgroups.Directories(id).Where(d => Directory.Exists(Path.GetDirectoryName(d))).ToList();
        Assert.NotEmpty(directories);
        foreach (var directory in directories)
        {
            Directory.CreateDirectory(directory);
            Directory.SetLastWriteTimeUtc(directory, madeUtc);
        }

        return directories;
    }

    private static void Age(List<string> cgroups)
    {
        foreach (var directory in cgroups)
        {
            Directory.SetLastWriteTimeUtc(directory, DateTime.UtcNow.AddMinutes(-2));
        }
    }

    /// <summary>
    /// A process named <paramref name="name"/> (prctl PR_SET_NAME, as runc's init names itself) in every hierarchy's
    /// <paramref name="cgroups"/>, running until killed; returns once it is named and placed.
    /// </summary>
    private static System.Diagnostics.Process StartIn(List<string> cgroups, string name)
    {
        var start = new System.Diagnostics.ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import ctypes, sys; ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0); print('named', flush=True); sys.stdin.read()");
        start.ArgumentList.Add(name);
        var process = System.Diagnostics.Process.Start(start)!;
        Assert.Equal("named", process.StandardOutput.ReadLine());
        foreach (var directory in cgroups)
        {
            // cpuset refuses a process until the group has CPUs and memory nodes (runc writes its parent's).
            foreach (var file in (string[])["cpuset.cpus", "cpuset.mems"])
            {
                if (File.Exists(Path.Combine(directory, file)))
                {
                    File.WriteAllText(Path.Combine(directory, file), File.ReadAllText(Path.Combine(Path.GetDirectoryName(directory)!, file)).Trim());
                }
            }

            File.WriteAllText(Path.Combine(directory, "cgroup.procs"), process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // The name took (checked here so that the test means something).
        Assert.Equal(File.ReadAllText($"/proc/{process.Id}/comm").Trim(), name);
        return process;
    }

    private static void RemoveWhenEmpty(List<string> cgroups)
    {
        foreach (var directory in cgroups.Where(Directory.Exists))
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public async Task RemoveStaleJoinedRoots_RemovesARootWithoutCgroup_AndKeepsOneWithIts()
    {
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var orphan = Path.Combine(RuncBundle.JoinedRootsDirectory, Guid.NewGuid().ToString("N"));
        var liveId = Guid.NewGuid().ToString("N");
        var live = Path.Combine(RuncBundle.JoinedRootsDirectory, liveId);
        Directory.CreateDirectory(Path.Combine(orphan, "var", "task"));
        Directory.CreateDirectory(live);
        var cgroups = factory.Cgroups.Directories(liveId).Where(d => Directory.Exists(Path.GetDirectoryName(d))).ToList();
        foreach (var directory in cgroups)
        {
            Directory.CreateDirectory(directory);
        }

        try
        {
            // Every root counts as old here (made before a minute from now): what decides is the cgroup.
            RuncBundle.RemoveStaleJoinedRoots(factory.Cgroups, DateTime.UtcNow.AddMinutes(1));

            Assert.False(Directory.Exists(orphan), "a root without a container was kept");
            Assert.True(Directory.Exists(live), "the root of a container with a cgroup was removed");
        }
        finally
        {
            foreach (var directory in cgroups.Where(Directory.Exists))
            {
                Directory.Delete(directory);
            }

            foreach (var root in new[] { orphan, live }.Where(Directory.Exists))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
