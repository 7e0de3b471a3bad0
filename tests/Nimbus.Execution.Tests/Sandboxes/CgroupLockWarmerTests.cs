// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

public sealed class CgroupLockWarmerTests : IDisposable
{
    private static readonly string Pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    private readonly string _directory = Directory.CreateTempSubdirectory("cgroup-lock-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Enter_WhileHeld_WritesThisProcessesPidAgainAndAgainThenGoesIdle()
    {
        var file = Path.Combine(_directory, "cgroup.procs");
        var warmer = new CgroupLockWarmer(() => file, _ => null, new RuncTestLogger());

        using (warmer.Enter())
        {
            await UntilAsync(warmer, () => warmer.Writes >= 3);
        }

        await UntilAsync(warmer, () => warmer.Idle);
        var writes = warmer.Writes;
        Assert.Equal(Pid, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.Equal(0, warmer.Holding);
        Assert.True(warmer.Enabled);
        Assert.Equal(writes, warmer.Writes);
    }

    [Fact]
    public async Task Enter_ScopeEndsAtOnce_StillWritesOnce()
    {
        var file = Path.Combine(_directory, "cgroup.procs");
        var warmer = new CgroupLockWarmer(() => file, _ => null, new RuncTestLogger());

        warmer.Enter().Dispose();

        await UntilAsync(warmer, () => warmer.Writes >= 1);
        await UntilAsync(warmer, () => warmer.Idle);
    }

    [Fact]
    public async Task Dispose_Twice_ReleasesItsHoldOnce()
    {
        var warmer = new CgroupLockWarmer(() => Path.Combine(_directory, "cgroup.procs"), _ => null, new RuncTestLogger());

        using (warmer.Enter())
        {
            var first = warmer.Enter();
            first.Dispose();
            first.Dispose();

            Assert.Equal(1, warmer.Holding);
        }

        Assert.Equal(0, warmer.Holding);
        await UntilAsync(warmer, () => warmer.Idle);
    }

    [Theory]
    [InlineData("no cgroup")]
    [InlineData("no such file")]
    [InlineData("refused")]
    public async Task Enter_CannotWriteSafely_StopsAndLogsOnce(string why)
    {
        var logger = new RuncTestLogger();
        var missing = Path.Combine(_directory, "no-such-cgroup", "cgroup.procs");
        var existing = Path.Combine(_directory, "cgroup.procs");
        var warmer = new CgroupLockWarmer(
            () => why switch { "no cgroup" => null, "no such file" => missing, _ => existing },
            _ => why == "refused" ? "thread 12 is in other cgroups than the process" : null,
            logger);

        using (warmer.Enter())
        {
            await UntilAsync(warmer, () => !warmer.Enabled);
        }

        using (warmer.Enter())
        {
            Assert.Equal(0, warmer.Holding);
        }

        Assert.Equal(0, warmer.Writes);
        Assert.False(File.Exists(existing));
        var stopped = Assert.Single(logger.Lines, line => line.Contains("no longer kept ready", StringComparison.Ordinal));
        Assert.Contains(why switch { "no cgroup" => "/proc/self/cgroup", "no such file" => missing, _ => "thread 12" }, stopped, StringComparison.Ordinal);
    }

    [Fact]
    public void WhyNotWarmable_FileWithoutThisProcess_SaysSo()
    {
        var file = Path.Combine(_directory, "cgroup.procs");
        File.WriteAllText(file, "1\n2\n");

        Assert.Contains("does not list this process", RuncCgroups.WhyNotWarmable(file), StringComparison.Ordinal);

        File.WriteAllText(file, $"1\n{Pid}\n");
        Assert.Null(RuncCgroups.WhyNotWarmable(file));
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
        Assert.Null(RuncCgroups.WhyNotWarmable(procs));

        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(), ct);
        await using (sandbox)
        using (connection)
        {
            Assert.Equal(0, factory.CgroupLock.Holding);
            await UntilAsync(factory.CgroupLock, () => factory.CgroupLock.Writes >= 1);
            Assert.True(factory.CgroupLock.Writes >= 1);
            Assert.True(factory.CgroupLock.Enabled);
        }

        Assert.Equal(before, await File.ReadAllTextAsync("/proc/self/cgroup", ct));
    }

    /// <summary>
    /// Waits, without polling, until the warmer's state satisfies <paramref name="condition"/>: each change of the warmer
    /// wakes it to look again. The two minutes are a guard against a broken warmer hanging the run, not a figure.
    /// </summary>
    private static async Task UntilAsync(CgroupLockWarmer warmer, Func<bool> condition)
    {
        using var hang = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        hang.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            while (true)
            {
                var changed = warmer.ChangedAsync(hang.Token);
                if (condition())
                {
                    return;
                }

                await changed;
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"the warmer never reached the state waited for (writes {warmer.Writes}, idle {warmer.Idle}, enabled {warmer.Enabled})");
        }
    }
}
