// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

public sealed class CgroupLockWarmerTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("cgroup-lock-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Enter_WhileHeld_WritesThisProcessesPidAgainAndAgain()
    {
        var file = Path.Combine(_directory, "cgroup.procs");
        var warmer = new CgroupLockWarmer(() => file, new RuncTestLogger());

        using (warmer.Enter())
        {
            Assert.True(SpinWait.SpinUntil(() => warmer.Writes >= 3, Patience), $"{warmer.Writes} writes");
        }

        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), File.ReadAllText(file));
        Assert.Equal(0, warmer.Holding);
        Assert.True(warmer.Enabled);
    }

    [Fact]
    public void Dispose_Twice_ReleasesItsHoldOnce()
    {
        var warmer = new CgroupLockWarmer(() => Path.Combine(_directory, "cgroup.procs"), new RuncTestLogger());

        using var second = warmer.Enter();
        var first = warmer.Enter();
        first.Dispose();
        first.Dispose();

        Assert.Equal(1, warmer.Holding);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Enter_WriteFails_StopsAndLogsOnce(bool noCgroup)
    {
        var logger = new RuncTestLogger();
        var missing = Path.Combine(_directory, "no-such-cgroup", "cgroup.procs");
        var warmer = new CgroupLockWarmer(() => noCgroup ? null : missing, logger);

        using (warmer.Enter())
        {
            Assert.True(SpinWait.SpinUntil(() => !warmer.Enabled, Patience));
        }

        using (warmer.Enter())
        {
            Assert.Equal(0, warmer.Holding);
        }

        Assert.Equal(0, warmer.Writes);
        var stopped = Assert.Single(logger.Lines, line => line.Contains("no longer kept ready", StringComparison.Ordinal));
        Assert.Contains(noCgroup ? "/proc/self/cgroup" : missing, stopped, StringComparison.Ordinal);
    }

    /// <summary>
    /// The real thing: a runc start keeps the lock ready by writing this process into the cgroup it is in, and
    /// nothing moves (the test process's cgroups are the same after the start).
    /// </summary>
    [Fact]
    public async Task Start_RealRunc_WritesTheOwnCgroupAndMovesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var before = await File.ReadAllTextAsync("/proc/self/cgroup", ct);
        var procs = factory.Cgroups.OwnProcsFile();
        Assert.NotNull(procs);
        Assert.Contains(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), await File.ReadAllLinesAsync(procs, ct));

        var clock = Stopwatch.StartNew();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(), ct);
        await using (sandbox)
        using (connection)
        {
            Assert.Equal(0, factory.CgroupLock.Holding);
            Assert.True(SpinWait.SpinUntil(() => factory.CgroupLock.Writes >= 1, Patience), $"no write for a start of {clock.ElapsedMilliseconds} ms");
            Assert.True(factory.CgroupLock.Enabled);
        }

        Assert.Equal(before, await File.ReadAllTextAsync("/proc/self/cgroup", ct));
    }
}
