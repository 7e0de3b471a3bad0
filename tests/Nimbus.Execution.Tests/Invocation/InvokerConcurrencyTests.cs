// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Concurrency;
using Nimbus.Execution.Tests.Fakes;

namespace Nimbus.Execution.Tests.Invocation;

/// <summary>The invoker behind the concurrency gate: every way out of an invocation gives its slot back.</summary>
public sealed class InvokerConcurrencyTests
{
    private const string ErrorJson = """{"errorMessage":"boom","errorType":"ValueError"}""";

    [Fact]
    public async Task InvokeAsync_Success_CountsReturnToZero()
    {
        await using var harness = await InvokerHarness.StartAsync();

        await harness.InvokeAsync();
        await harness.InvokeAsync();

        AssertIdle(harness);
    }

    [Fact]
    public async Task InvokeAsync_FunctionError_CountsReturnToZero()
    {
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) => sandbox.SendErrorAsync(FakeInitScript.RequestId(invoke), "ValueError", ErrorJson, ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script);

        var result = await harness.InvokeAsync();

        Assert.Equal("Unhandled", result.FunctionError);
        AssertIdle(harness);
    }

    [Fact]
    public async Task InvokeAsync_Timeout_CountsReturnToZero()
    {
        // A real one-second wait: the function's timeout is the path under test.
        var script = new FakeInitScript { OnInvoke = FakeInitScript.Hang };
        await using var harness = await InvokerHarness.StartAsync(script);

        var result = await harness.InvokeAsync(harness.Request(function: harness.Function with { Timeout = 1 }));

        Assert.Equal("Sandbox.Timedout", result.ErrorType);
        AssertIdle(harness);
    }

    [Fact]
    public async Task InvokeAsync_Cancelled_CountsReturnToZero()
    {
        var invoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) =>
            {
                invoked.TrySetResult();
                return Task.CompletedTask;
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var running = harness.InvokeCancellableAsync(harness.Request(), cancel.Token);
        await invoked.Task.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        Assert.Equal(1, harness.Gate.InFlight(TestFunctions.Scope, harness.Function.Name));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        AssertIdle(harness);
    }

    [Fact]
    public async Task InvokeAsync_ReservedZero_ThrowsBeforeStartingAnything()
    {
        await using var harness = await InvokerHarness.StartAsync();
        harness.Reservations.Set(TestFunctions.Scope, harness.Function.Name, 0);

        var error = await Assert.ThrowsAsync<InvocationThrottledException>(() => harness.InvokeAsync());

        Assert.Equal(ThrottleReason.ReservedConcurrency, error.Reason);
        Assert.Empty(harness.Sandboxes.Sandboxes);
        AssertIdle(harness);
    }

    [Fact]
    public async Task InvokeAsync_AccountLimitReached_ThrowsForAnotherFunction()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                invoked.TrySetResult();
                await release.Task.WaitAsync(ct);
                await FakeInitScript.Echo(sandbox, invoke, ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script, accountLimit: 1);

        var running = harness.InvokeAsync();
        await invoked.Task.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        var other = harness.Request(function: harness.Function with { Name = "other-function" });
        var error = await Assert.ThrowsAsync<InvocationThrottledException>(() => harness.InvokeAsync(other));
        release.SetResult();
        await running;

        Assert.Equal(ThrottleReason.AccountConcurrency, error.Reason);
        AssertIdle(harness);
    }

    [Fact]
    public async Task InvokeAsync_BurstUsedUp_ThrottlesAColdStartButNotAWarmInvoke()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                invoked.TrySetResult();
                await release.Task.WaitAsync(ct);
                await FakeInitScript.Echo(sandbox, invoke, ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script, options => options.ScalingBurstPer10Seconds = 1);

        var first = harness.InvokeAsync();
        await invoked.Task.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<InvocationThrottledException>(() => harness.InvokeAsync());
        release.SetResult();
        await first;
        var warm = await harness.InvokeAsync();

        Assert.Equal(ThrottleReason.ScalingRate, error.Reason);
        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
        Assert.False(warm.ColdStart);
        Assert.Single(harness.Sandboxes.Sandboxes);
        AssertIdle(harness);
    }

    private static void AssertIdle(InvokerHarness harness)
    {
        Assert.Equal(0, harness.Gate.InFlight(TestFunctions.Scope, harness.Function.Name));
        Assert.Equal(0, harness.Gate.UnreservedInFlight(TestFunctions.Scope));
    }
}
