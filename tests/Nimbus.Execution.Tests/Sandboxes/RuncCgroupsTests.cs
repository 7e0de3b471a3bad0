// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

public sealed class RuncCgroupsTests
{
    public static TheoryData<string, bool, string?> OwnCgroups => new()
    {
        // cgroup v2: the one line.
        { "0::/system.slice/nimbus.service\n", true, "/sys/fs/cgroup/system.slice/nimbus.service/cgroup.procs" },
        { "0::/\n", true, "/sys/fs/cgroup/cgroup.procs" },
        // Hybrid (this CI machine's shape): the pids controller's, whatever comes first.
        { "9:name=systemd:/\n4:memory:/process_api/36ee\n8:pids:/user.slice\n0::/\n", false, "/sys/fs/cgroup/pids/user.slice/cgroup.procs" },
        // v1 without pids: the memory controller's, in the directory named by the line's controller list.
        { "3:cpu,cpuacct:/a\n4:memory:/b\n", false, "/sys/fs/cgroup/memory/b/cgroup.procs" },
        { "4:memory,hugetlb:/b\n", false, "/sys/fs/cgroup/memory,hugetlb/b/cgroup.procs" },
        // Hybrid with neither: the unified hierarchy's mount.
        { "1:name=systemd:/\n0::/init.scope\n", false, "/sys/fs/cgroup/unified/init.scope/cgroup.procs" },
        // Nothing usable.
        { "", true, null },
        { "1:name=systemd:/\n", false, null },
        { "8:pids:/../../etc\n", false, null },
        { "0::relative\n", true, null },
        { "garbage\n", true, null },
        { "0::/a/..\n", true, null },
        // A controller field that is not a directory name below /sys/fs/cgroup.
        { "1:../../../tmp/a,pids:/\n", false, null },
        { "1:..:/\n", false, null },
    };

    [Theory]
    [MemberData(nameof(OwnCgroups))]
    public void ProcsFileOf_SelfCgroup_IsTheCgroupsProcsFile(string selfCgroup, bool unified, string? expected)
    {
        Assert.Equal(expected, RuncCgroups.ProcsFileOf(selfCgroup, unified));
    }

    [Fact]
    public void ProcsFileOf_MalformedInput_NeverThrowsOrLeavesTheCgroupRoot()
    {
        var random = new Random(1405);
        const string alphabet = "0123456789:/.,\n pidsmemory";
        for (var i = 0; i < 5000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(40)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var file = RuncCgroups.ProcsFileOf(text, unified: random.Next(2) == 0);
            if (file is not null)
            {
                Assert.StartsWith("/sys/fs/cgroup/", Path.GetFullPath(file), StringComparison.Ordinal);
                Assert.EndsWith("/cgroup.procs", file, StringComparison.Ordinal);
            }
        }
    }
}
