// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// The start-up sweep of the runc backend removes what this work directory's previous run left and nothing of
/// another data directory's (all share the cgroup parent /nimbus). Needs root and runc (RuncTestHost).
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
}
