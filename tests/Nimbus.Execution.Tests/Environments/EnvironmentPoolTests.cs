// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Execution.Tests.Fakes;
using Nimbus.Execution.Tests.Invocation;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Tests.Environments;

/// <summary>The pool as the invoker drives it: leasing, reuse, reclaiming and shutdown.</summary>
public sealed class EnvironmentPoolTests
{
    [Fact]
    public async Task InvokeAsync_ParallelInvokes_GetSeparateEnvironments()
    {
        var gate = new Gate(2);
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                // Both invocations are in flight at once before either answers.
                await gate.ArriveAndWaitAsync(ct);
                await FakeInitScript.Echo(sandbox, invoke, ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);

        var results = await Task.WhenAll(harness.InvokeAsync(), harness.InvokeAsync());

        Assert.All(results, result => Assert.True(result.ColdStart));
        Assert.Equal(2, harness.Sandboxes.Sandboxes.Count);
        Assert.All(harness.Sandboxes.Sandboxes, sandbox => Assert.Single(sandbox.Invokes));
        Assert.Equal(2, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_TwoIdleEnvironments_TakesTheMostRecentlyUsed()
    {
        var gate = new Gate(2);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                if (sandbox.Invokes.Count == 1)
                {
                    await gate.ArriveAndWaitAsync(ct);
                    if (sandbox.Number == 2)
                    {
                        // Sandbox 2 answers only after sandbox 1 is back in the pool: it is the most recently used.
                        await releaseFirst.Task.WaitAsync(ct);
                    }
                }

                await FakeInitScript.Echo(sandbox, invoke, ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        var first = harness.InvokeAsync();
        var second = harness.InvokeAsync();
        await gate.AllArrived.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        await Task.WhenAny(first, second);
        releaseFirst.SetResult();
        await Task.WhenAll(first, second);

        var next = await harness.InvokeAsync();

        Assert.False(next.ColdStart);
        Assert.Single(harness.Sandbox(1).Invokes);
        Assert.Equal(2, harness.Sandbox(2).Invokes.Count);
    }

    [Fact]
    public async Task InvokeAsync_ChangedConfiguration_StartsANewEnvironment()
    {
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();

        var result = await harness.InvokeAsync(harness.Request(function: harness.Function with { LastModified = TestFunctions.Epoch.AddMinutes(1) }));

        Assert.True(result.ColdStart);
        Assert.Equal(2, harness.Sandboxes.Sandboxes.Count);
        Assert.Equal(2, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_OtherFunction_StartsANewEnvironment()
    {
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();

        var result = await harness.InvokeAsync(harness.Request(function: harness.Function with { Name = "other", Logging = new() { LogGroup = "/aws/lambda/other" } }));

        Assert.True(result.ColdStart);
        Assert.Contains("AWS_LAMBDA_FUNCTION_NAME=other", (await harness.Sandbox(2).Started).Headers.Select(h => h.Value));
    }

    [Fact]
    public async Task ReclaimAsync_IdleShorterThanIdleTimeout_KeepsTheEnvironment()
    {
        await using var harness = await InvokerHarness.StartAsync(configure: options => options.IdleTimeout = TimeSpan.FromMinutes(10));
        await harness.InvokeAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));

        var reclaimed = await harness.Invoker.ReclaimAsync();

        Assert.Equal(0, reclaimed);
        Assert.Equal(1, harness.Invoker.Pool.LiveCount);
        Assert.False(harness.Sandbox(1).Killed);
    }

    [Fact]
    public async Task ReclaimAsync_IdlePastIdleTimeout_RemovesTheEnvironment()
    {
        await using var harness = await InvokerHarness.StartAsync(configure: options => options.IdleTimeout = TimeSpan.FromMinutes(10));
        await harness.InvokeAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(10));

        var reclaimed = await harness.Invoker.ReclaimAsync();

        Assert.Equal(1, reclaimed);
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
        Assert.True(harness.Sandbox(1).Killed);
        Assert.True(harness.Sandbox(1).Disposed);
        Assert.True((await harness.InvokeAsync()).ColdStart);
    }

    [Fact]
    public async Task ReclaimAsync_OneShutdownFails_TheOthersStillGo()
    {
        var gate = new Gate(2);
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                await gate.ArriveAndWaitAsync(ct);
                await FakeInitScript.Echo(sandbox, invoke, ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script, configure: options => options.IdleTimeout = TimeSpan.FromMinutes(10));
        await Task.WhenAll(harness.InvokeAsync(), harness.InvokeAsync());
        harness.Sandbox(1).DisposeFailure = new IOException("teardown failed");
        harness.Sandbox(2).DisposeFailure = new InvalidDataException("teardown failed too");
        harness.Time.Advance(TimeSpan.FromMinutes(10));

        var failure = await Assert.ThrowsAsync<AggregateException>(() => harness.Invoker.ReclaimAsync());

        Assert.Equal(2, failure.InnerExceptions.Count);
        Assert.True(harness.Sandbox(1).Disposed);
        Assert.True(harness.Sandbox(2).Disposed);
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
        harness.Sandbox(1).DisposeFailure = null;
        harness.Sandbox(2).DisposeFailure = null;
    }

    [Fact]
    public async Task ReclaimAsync_RecentlyUsedEnvironment_CountsIdleTimeFromTheLastInvoke()
    {
        await using var harness = await InvokerHarness.StartAsync(configure: options => options.IdleTimeout = TimeSpan.FromMinutes(10));
        await harness.InvokeAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(8));
        await harness.InvokeAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(8));

        var reclaimed = await harness.Invoker.ReclaimAsync();

        Assert.Equal(0, reclaimed);
        Assert.False((await harness.InvokeAsync()).ColdStart);
    }

    [Fact]
    public async Task ReclaimAsync_PastMaxLifetime_RemovesEvenARecentlyUsedEnvironment()
    {
        await using var harness = await InvokerHarness.StartAsync(configure: options =>
        {
            options.IdleTimeout = TimeSpan.FromMinutes(10);
            options.MaxLifetime = TimeSpan.FromMinutes(30);
        });
        await harness.InvokeAsync();
        for (var i = 0; i < 5; i++)
        {
            harness.Time.Advance(TimeSpan.FromMinutes(5));
            await harness.InvokeAsync();
            Assert.Equal(0, await harness.Invoker.ReclaimAsync());
        }

        harness.Time.Advance(TimeSpan.FromMinutes(5));
        var reclaimed = await harness.Invoker.ReclaimAsync();

        Assert.Equal(1, reclaimed);
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
        Assert.Single(harness.Sandboxes.Sandboxes);
        Assert.True(harness.Sandbox(1).Killed);
    }

    [Fact]
    public async Task ReclaimAsync_BusyEnvironment_IsNotReclaimed()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                arrived.TrySetResult();
                await release.Task.WaitAsync(ct);
                await FakeInitScript.Echo(sandbox, invoke, ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script, options =>
        {
            options.IdleTimeout = TimeSpan.FromMinutes(10);
            options.MaxLifetime = TimeSpan.FromHours(2);
        });
        var invocation = harness.InvokeAsync();
        await arrived.Task.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        harness.Time.Advance(TimeSpan.FromHours(3));

        var reclaimed = await harness.Invoker.ReclaimAsync();

        Assert.Equal(0, reclaimed);
        Assert.False(harness.Sandbox(1).Killed);
        release.SetResult();
        var result = await invocation;
        Assert.Null(result.FunctionError);

        // Back in the pool it is past its lifetime: the next pass takes it.
        Assert.Equal(1, await harness.Invoker.ReclaimAsync());
        Assert.True(harness.Sandbox(1).Killed);
    }

    [Fact]
    public async Task ReclaimAsync_OnlyExpiredOnes_KeepsTheOthers()
    {
        await using var harness = await InvokerHarness.StartAsync(configure: options => options.IdleTimeout = TimeSpan.FromMinutes(10));
        await harness.InvokeAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(6));
        await harness.InvokeAsync(harness.Request(function: harness.Function with { Name = "second", Logging = new() { LogGroup = "/aws/lambda/second" } }));
        harness.Time.Advance(TimeSpan.FromMinutes(6));

        var reclaimed = await harness.Invoker.ReclaimAsync();

        Assert.Equal(1, reclaimed);
        Assert.True(harness.Sandbox(1).Killed);
        Assert.False(harness.Sandbox(2).Killed);
        Assert.Equal(1, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task DisposeAsync_LiveEnvironments_KillsAndDisposesThemAll()
    {
        var gate = new Gate(3);
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                await gate.ArriveAndWaitAsync(ct);
                await FakeInitScript.Echo(sandbox, invoke, ct);
            },
        };
        var harness = await InvokerHarness.StartAsync(script);
        try
        {
            await Task.WhenAll(harness.InvokeAsync(), harness.InvokeAsync(), harness.InvokeAsync());
            Assert.Equal(3, harness.Invoker.Pool.LiveCount);

            await harness.Invoker.DisposeAsync();

            Assert.Equal(0, harness.Invoker.Pool.LiveCount);
            Assert.Equal(3, harness.Sandboxes.Sandboxes.Count);
            Assert.All(harness.Sandboxes.Sandboxes, sandbox => Assert.True(sandbox.Killed && sandbox.Disposed));
            foreach (var sandbox in harness.Sandboxes.Sandboxes)
            {
                Assert.Equal(FakeSandbox.KilledStatus, await sandbox.Exited);
            }
        }
        finally
        {
            await harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task DisposeAsync_DuringAnInvocation_EndsItWithExitError()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) =>
            {
                arrived.TrySetResult();
                return Task.CompletedTask;
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        var invocation = harness.InvokeAsync();
        await arrived.Task.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);

        await harness.Invoker.DisposeAsync();

        var result = await invocation;
        Assert.Equal("Runtime.ExitError", result.ErrorType);
        Assert.Contains("Runtime exited without providing a reason", Encoding.UTF8.GetString(result.Payload.Span), StringComparison.Ordinal);
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
        Assert.True(harness.Sandbox(1).Killed);
    }

    /// <summary>Lets <c>count</c> parties wait until all of them arrived: a real signal instead of a sleep.</summary>
    private sealed class Gate(int count)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task AllArrived => _all.Task;

        public Task ArriveAndWaitAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _arrived) == count)
            {
                _all.TrySetResult();
            }

            return _all.Task.WaitAsync(cancellationToken);
        }
    }
}
