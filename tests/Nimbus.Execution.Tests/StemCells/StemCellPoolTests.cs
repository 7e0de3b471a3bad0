// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;
using Nimbus.Execution.StemCells;
using Nimbus.Execution.Tests.Fakes;
using Nimbus.Init.Protocol;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Execution.Tests.StemCells;

/// <summary>How the stem-cell pool sizes itself: recent demand within minimum and maximum, the memory budget, the backend.</summary>
public sealed class StemCellPoolTests : IDisposable
{
    private static readonly StemCellKey s_python = new("python3.12", true);
    private static readonly StemCellKey s_provided = new("provided.al2023", true, SandboxOnly: true);

    private readonly FakeTimeProvider _time = new(TestFunctions.Epoch);

    /// <summary>Where cells' host sockets go, for the tests that start (fake) cells.</summary>
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("nsc-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void Target_RuntimeNeverInDemand_IsZero()
    {
        var pool = Pool();

        Assert.Equal(0, pool.Target(s_python));
        Assert.Null(pool.Next([]));
    }

    [Fact]
    public void Target_ConfiguredRuntime_IsTheMinimumFromTheStart()
    {
        var pool = Pool(o =>
        {
            o.Minimum = 2;
            o.Runtimes.Add("python3.12");
        });

        Assert.Equal(2, pool.Target(s_python));
        Assert.Equal(s_python, pool.Next([]));
    }

    [Fact]
    public void TryTake_EmptyPool_ReturnsNullAndCountsTheDemand()
    {
        var pool = Pool(o => o.Maximum = 3);

        Assert.Null(pool.TryTake(s_python));
        Assert.Equal(1, pool.Target(s_python));
        Assert.Null(pool.TryTake(s_python));
        Assert.Null(pool.TryTake(s_python));
        Assert.Null(pool.TryTake(s_python));
        Assert.Null(pool.TryTake(s_python));

        Assert.Equal(3, pool.Target(s_python));
        Assert.Equal(s_python, pool.Next([]));
    }

    [Fact]
    public void Target_DemandOlderThanTheWindow_FallsBackToTheMinimum()
    {
        var pool = Pool(o =>
        {
            o.Minimum = 1;
            o.DemandWindow = TimeSpan.FromMinutes(1);
        });
        for (var i = 0; i < 4; i++)
        {
            pool.TryTake(s_python);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        pool.TryTake(s_python);
        Assert.Equal(5, pool.Target(s_python));

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, pool.Target(s_python));

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, pool.Target(s_python));
    }

    [Fact]
    public void Next_BudgetTooSmallForOneCell_MakesNone()
    {
        var pool = Pool(o =>
        {
            o.MemoryBudgetMb = 16;
            o.Runtimes.Add("python3.12");
        });

        Assert.Equal(1, pool.Target(s_python));
        Assert.Null(pool.Next([]));
    }

    [Fact]
    public void TryTake_RuntimeWithoutOurClient_NeitherTakesNorCounts()
    {
        var pool = Pool();
        var provided = new StemCellKey("provided.al2023", true);

        Assert.Null(pool.TryTake(provided));

        Assert.Equal(0, pool.Target(provided));
        Assert.Null(pool.Next([]));
    }

    [Fact]
    public void Enabled_BackendWithoutStemCells_IsFalseAndNothingIsMade()
    {
        var pool = Pool(o => o.Runtimes.Add("python3.12"), new FakeSandboxFactory(new FakeInitScript()));

        Assert.False(pool.Enabled);
        Assert.Null(pool.TryTake(s_python));
        Assert.Null(pool.Next([]));
    }

    [Fact]
    public void Enabled_TurnedOff_IsFalse()
    {
        var pool = Pool(o =>
        {
            o.Enabled = false;
            o.Runtimes.Add("python3.12");
        });

        Assert.False(pool.Enabled);
        Assert.Null(pool.Next([]));
    }

    [Fact]
    public async Task Next_CellTakenAndNotYetSpecialized_HoldsTheRefillUntilSpecialized()
    {
        await using var pool = await PoolOfTwoWithOneCellAsync();
        Assert.Equal(s_python, pool.Next([]));

        var cell = pool.TryTake(s_python);

        Assert.NotNull(cell);
        Assert.Null(pool.Next([]));
        pool.Specialized();
        Assert.Equal(s_python, pool.Next([]));
        await cell.DisposeAsync();
    }

    [Fact]
    public async Task Next_CellTakenLongAgo_RefillsAnyway()
    {
        await using var pool = await PoolOfTwoWithOneCellAsync();
        var cell = pool.TryTake(s_python);
        Assert.NotNull(cell);
        Assert.Null(pool.Next([]));

        // A function whose init takes long must not keep the pool empty for other cold starts.
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(s_python, pool.Next([]));
        await cell.DisposeAsync();
    }

    [Fact]
    public async Task AddAsync_RuntimeStillStarting_CountsTheCellOnlyOnceItWaits()
    {
        // nimbus-init connected and the runtime started, but the interpreter is still importing: not a cell yet.
        var waits = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sandboxes = new FakeSandboxFactory(new FakeInitScript
        {
            StemCellWaits = false,
            OnStart = async (sandbox, ct) =>
            {
                await waits.Task.WaitAsync(ct);
                await sandbox.SendAsync(new Frame(FrameType.Waiting), ct);
            },
        });
        await using var pool = Pool(o => o.Runtimes.Add("python3.12"), new FakeStemCellSandboxFactory(sandboxes), _work.FullName);
        var adding = pool.AddAsync(s_python, TestContext.Current.CancellationToken);
        while (sandboxes.Sandboxes.Count == 0)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await sandboxes.Sandboxes[0].Started.WaitAsync(TestContext.Current.CancellationToken);

        Assert.False(adding.IsCompleted);
        Assert.Equal(0, pool.Waiting().GetValueOrDefault(("python3.12", "runtime")));
        Assert.Null(pool.TryTake(s_python));

        waits.SetResult();
        await adding;

        Assert.Equal(1, pool.Waiting()[("python3.12", "runtime")]);
        await using var cell = pool.TryTake(s_python);
        Assert.NotNull(cell);
    }

    [Fact]
    public async Task AddAsync_RuntimeExitsBeforeItWaits_FailsAndLeavesNoCell()
    {
        var sandboxes = new FakeSandboxFactory(new FakeInitScript
        {
            StemCellWaits = false,
            OnStart = static (sandbox, ct) => sandbox.SendExitedAsync(ct, status: 1),
        });
        await using var pool = Pool(o => o.Runtimes.Add("python3.12"), new FakeStemCellSandboxFactory(sandboxes), _work.FullName);

        var failure = await Assert.ThrowsAsync<SandboxStartException>(() => pool.AddAsync(s_python, TestContext.Current.CancellationToken));

        Assert.Contains("ended before it waited for a function", failure.Message, StringComparison.Ordinal);
        Assert.Contains("exit status 1", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, pool.Waiting().GetValueOrDefault(("python3.12", "runtime")));
        Assert.True(sandboxes.Sandboxes[0].Disposed);
    }

    [Fact]
    public void TryTake_SandboxCellOfAnyRuntimeTheHostHas_CountsTheDemand()
    {
        var pool = Pool();
        var unknown = new StemCellKey("cobol85", true, SandboxOnly: true);

        Assert.Null(pool.TryTake(s_provided));
        Assert.Null(pool.TryTake(unknown));

        Assert.Equal(1, pool.Target(s_provided));
        Assert.Equal(0, pool.Target(unknown));
        Assert.Equal(s_provided, pool.Next([]));
    }

    [Fact]
    public void Target_ConfiguredRuntimeWithoutOurClient_IsKeptAsSandboxCells()
    {
        var pool = Pool(o => o.Runtimes.Add("provided.al2023"));

        Assert.Equal(1, pool.Target(s_provided));
        Assert.Equal(0, pool.Target(new StemCellKey("provided.al2023", true)));
    }

    [Fact]
    public async Task AddAsync_SandboxCell_WaitsWithoutARuntimeUntilTaken()
    {
        var sandboxes = new FakeSandboxFactory(new FakeInitScript());
        await using var pool = Pool(o => o.Runtimes.Add("provided.al2023"), new FakeStemCellSandboxFactory(sandboxes), _work.FullName);

        await pool.AddAsync(s_provided, TestContext.Current.CancellationToken);

        Assert.Equal(1, pool.Waiting()[("provided.al2023", "sandbox")]);
        Assert.True(sandboxes.Sandboxes[0].Spec.StemCell);
        Assert.False(sandboxes.Sandboxes[0].Started.IsCompleted, "nimbus-init gets no runtime to start before the cell is taken");
        await using var cell = pool.TryTake(s_provided);
        Assert.NotNull(cell);
        Assert.True(cell.AwaitsRuntime);
        Assert.Equal(0, pool.Waiting()[("provided.al2023", "sandbox")]);
    }

    [Fact]
    public async Task TryTake_RuntimeCellMissed_TakesASandboxCellOfTheRuntimeWithoutCountingItsDemand()
    {
        var sandboxes = new FakeSandboxFactory(new FakeInitScript());
        var sandboxOnly = s_python with { SandboxOnly = true };
        await using var pool = Pool(null, new FakeStemCellSandboxFactory(sandboxes), _work.FullName);
        await pool.AddAsync(sandboxOnly, TestContext.Current.CancellationToken);

        await using var cell = pool.TryTake(s_python);

        Assert.NotNull(cell);
        Assert.True(cell.AwaitsRuntime);
        Assert.Equal(1, pool.Target(s_python));
        Assert.Equal(0, pool.Target(sandboxOnly));
        Assert.Null(pool.TryTake(s_python));
    }

    [Fact]
    public async Task TryTake_SandboxCellWhoseSandboxEnded_IsNotHandedOut()
    {
        var sandboxes = new FakeSandboxFactory(new FakeInitScript());
        await using var pool = Pool(o => o.Runtimes.Add("provided.al2023"), new FakeStemCellSandboxFactory(sandboxes), _work.FullName);
        await pool.AddAsync(s_provided, TestContext.Current.CancellationToken);

        sandboxes.Sandboxes[0].Kill();
        var retired = new List<ExecutionEnvironment>();

        Assert.Null(pool.TryTake(s_provided));
        pool.Next(retired);
        Assert.Single(retired);
        await retired[0].DisposeAsync();
    }

    [Fact]
    public async Task Next_SandboxCellWhoseSandboxEnded_IsRetiredWithoutATake()
    {
        var sandboxes = new FakeSandboxFactory(new FakeInitScript());
        await using var pool = Pool(o => o.Runtimes.Add("provided.al2023"), new FakeStemCellSandboxFactory(sandboxes), _work.FullName);
        await pool.AddAsync(s_provided, TestContext.Current.CancellationToken);
        Assert.Null(pool.Next([]));

        sandboxes.Sandboxes[0].Kill();
        var retired = new List<ExecutionEnvironment>();

        Assert.Equal(s_provided, pool.Next(retired));
        Assert.Single(retired);
        Assert.Equal(0, pool.Waiting()[("provided.al2023", "sandbox")]);
        await retired[0].DisposeAsync();
    }

    [Fact]
    public void Target_RuntimeInDemandBeforeARestart_IsTheMinimumFromTheStart()
    {
        var file = Path.Combine(_work.FullName, "stem-cells.tsv");
        var before = Pool(o => o.DemandFile = file);
        before.TryTake(s_python);
        before.TryTake(s_provided);
        before.SaveDemand();

        var after = Pool(o =>
        {
            o.DemandFile = file;
            o.Minimum = 2;
        });

        Assert.Equal(2, after.Target(s_python));
        Assert.Equal(2, after.Target(s_provided));
        Assert.Equal(0, after.Target(s_python with { OutboundNetwork = false }));
        Assert.NotNull(after.Next([]));
    }

    [Theory]
    [InlineData(23 * 60 + 59, 1)]
    [InlineData(24 * 60, 0)]
    [InlineData(48 * 60, 0)]
    public void Target_RuntimeLastColdStartMinutesBeforeARestart_RestoredOnlyWithinKeepFor(int minutes, int target)
    {
        var file = Path.Combine(_work.FullName, "stem-cells.tsv");
        var before = Pool(o => o.DemandFile = file);
        before.TryTake(s_python);
        before.SaveDemand();
        _time.Advance(TimeSpan.FromMinutes(minutes));

        var after = Pool(o =>
        {
            o.DemandFile = file;
            o.KeepFor = TimeSpan.FromHours(24);
        });

        Assert.Equal(target, after.Target(s_python));
        Assert.Equal(target == 1 ? s_python : null, after.Next([]));
    }

    [Fact]
    public void Next_WallClockSetForward_ForgetsNothing()
    {
        // A host whose clock is synchronized after boot: the runtime's age counts on the monotonic clock.
        var clock = new ShiftedClock(_time);
        var pool = Pool(o => o.KeepFor = TimeSpan.FromHours(1), clock: clock);
        pool.TryTake(s_python);

        clock.Shift = TimeSpan.FromDays(400);

        Assert.Equal(s_python, pool.Next([]));
        Assert.Equal(1, pool.Target(s_python));
    }

    [Fact]
    public void SaveDemand_NothingChanged_WritesNothing()
    {
        var file = Path.Combine(_work.FullName, "stem-cells.tsv");
        var pool = Pool(o =>
        {
            o.DemandFile = file;
            o.Runtimes.Add("python3.12");
        });

        pool.SaveDemand();

        Assert.False(File.Exists(file));
    }

    [Fact]
    public void SaveDemand_AgainWithinASecond_WaitsForTheNextLook()
    {
        var file = Path.Combine(_work.FullName, "stem-cells.tsv");
        var pool = Pool(o => o.DemandFile = file);
        pool.TryTake(s_python);
        pool.SaveDemand();
        pool.TryTake(s_provided);

        pool.SaveDemand();
        var first = File.ReadAllText(file);
        _time.Advance(TimeSpan.FromSeconds(1));
        pool.SaveDemand();

        Assert.DoesNotContain("provided.al2023", first, StringComparison.Ordinal);
        Assert.Contains("provided.al2023\toutbound\tsandbox\t", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("python3.12\toutbound\truntime")]
    [InlineData("python3.12\toutbound\truntime\tyesterday")]
    [InlineData("python3.12\tsideways\truntime\t2026-12-03T00:00:00.0000000+00:00")]
    [InlineData("python3.12\toutbound\tzygote\t2026-12-03T00:00:00.0000000+00:00")]
    [InlineData("python3.12\toutbound\truntime\t2026-12-03T00:00:00.0000000+00:00\textra")]
    [InlineData("cobol85\toutbound\truntime\t2026-12-03T00:00:00.0000000+00:00")]
    [InlineData("provided.al2023\toutbound\truntime\t2026-12-03T00:00:00.0000000+00:00")]
    [InlineData("\0\xff\t\t\t")]
    public void Target_DemandFileLineNotARuntimeInDemand_IsPassedOver(string line)
    {
        // Each bad line names python3.12 with outbound network as runtime cells (or a runtime that cannot be kept so);
        // the good line after it, loopback sandbox cells, shows the file was read. provided.al2023 has no runtime cells.
        var file = Path.Combine(_work.FullName, "stem-cells.tsv");
        var loopbackSandbox = new StemCellKey("python3.12", false, SandboxOnly: true);
        File.WriteAllText(file, line + "\n" + "python3.12\tloopback\tsandbox\t" + TestFunctions.Epoch.AddMinutes(-5).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\n");

        var pool = Pool(o => o.DemandFile = file);

        Assert.Equal(1, pool.Target(loopbackSandbox));
        Assert.Equal(0, pool.Target(s_python));
        Assert.Equal(0, pool.Target(s_python with { OutboundNetwork = false }));
        Assert.Equal(0, pool.Target(s_python with { SandboxOnly = true }));
        Assert.Equal(0, pool.Target(new StemCellKey("cobol85", true)));
        Assert.Equal(0, pool.Target(s_provided with { SandboxOnly = false }));
        Assert.Equal(0, pool.Target(s_provided));
    }

    [Fact]
    public void SaveDemand_FileCannotBeWritten_ThePoolGoesOn()
    {
        // A directory where the file should be: the write fails (logged once), the pool works as before.
        var file = Path.Combine(_work.FullName, "stem-cells.tsv");
        Directory.CreateDirectory(file);
        var pool = Pool(o =>
        {
            o.DemandFile = file;
            o.Runtimes.Add("provided.al2023");
        });
        pool.TryTake(s_python);

        pool.SaveDemand();
        _time.Advance(TimeSpan.FromSeconds(1));
        pool.SaveDemand();

        Assert.Equal(1, pool.Target(s_provided));
        Assert.Equal(1, pool.Target(s_python));
        Assert.True(Directory.Exists(file));
    }

    [Fact]
    public async Task Next_RuntimeWithoutAColdStartForKeepFor_LeavesThePoolAndItsCellsAreRetired()
    {
        var cells = new FakeStemCellSandboxFactory(new FakeSandboxFactory(new FakeInitScript { OnStart = static (_, _) => Task.CompletedTask }));
        await using var pool = Pool(o => o.KeepFor = TimeSpan.FromHours(2), cells, _work.FullName);
        pool.TryTake(s_python);
        await pool.AddAsync(s_python, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Null(pool.Next([]));
        Assert.Equal(1, pool.Target(s_python));

        _time.Advance(TimeSpan.FromHours(1));
        var retired = new List<ExecutionEnvironment>();

        Assert.Null(pool.Next(retired));
        Assert.Equal(0, pool.Target(s_python));
        Assert.Single(retired);
        Assert.Equal(0, pool.Waiting()[("python3.12", "runtime")]);
        await retired[0].DisposeAsync();
    }

    [Fact]
    public void Next_ConfiguredRuntimeWithoutAColdStartForKeepFor_StaysInThePool()
    {
        var pool = Pool(o =>
        {
            o.KeepFor = TimeSpan.FromHours(1);
            o.Runtimes.Add("python3.12");
        });
        pool.TryTake(s_python);
        _time.Advance(TimeSpan.FromHours(5));

        Assert.Equal(s_python, pool.Next([]));
        Assert.Equal(1, pool.Target(s_python));
    }

    /// <summary>A pool aiming at two python3.12 cells, holding one whose runtime waits (no Ready): what a stem cell is until a cold start takes it.</summary>
    private async Task<StemCellPool> PoolOfTwoWithOneCellAsync()
    {
        var cells = new FakeStemCellSandboxFactory(new FakeSandboxFactory(new FakeInitScript { OnStart = static (_, _) => Task.CompletedTask }));
        var pool = Pool(
            o =>
            {
                o.Minimum = 2;
                o.Runtimes.Add("python3.12");
            },
            cells,
            _work.FullName);
        await pool.AddAsync(s_python, TestContext.Current.CancellationToken);
        return pool;
    }

    private StemCellPool Pool(Action<StemCellOptions>? configure = null, ISandboxFactory? sandboxes = null, string socketDirectory = "/fake/run/s", TimeProvider? clock = null)
    {
        var options = new StemCellOptions();
        configure?.Invoke(options);
        var execution = new ExecutionOptions { InitExecutable = "/fake/nimbus-init", RuntimeDirectory = "/fake/runtimes", WorkDirectory = "/fake/run" };
        return new StemCellPool(
            sandboxes ?? new FakeStemCellSandboxFactory(),
            new RuntimeLauncher(FakeRuntimeRegistry.Default(), execution),
            execution,
            options,
            socketDirectory,
            clock ?? _time,
            NullLogger.Instance);
    }

    /// <summary>The fake time with a wall clock that can be set apart from its monotonic timestamps.</summary>
    private sealed class ShiftedClock(FakeTimeProvider inner) : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Shift;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;
    }
}
