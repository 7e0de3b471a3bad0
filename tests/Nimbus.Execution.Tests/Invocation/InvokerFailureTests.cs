// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;
using Nimbus.Execution.Tests.Fakes;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Tests.Invocation;

public sealed class InvokerFailureTests
{
    private const string ErrorJson = """{"errorMessage":"bad input","errorType":"ValueError","stackTrace":["  File \"app.py\", line 3"]}""";

    [Fact]
    public async Task InvokeAsync_FunctionError_ReturnsTheErrorAsUnhandled()
    {
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                await sandbox.SendLogAsync("[ERROR] ValueError: bad input\n", ct, stream: "stderr");
                await sandbox.SendErrorAsync(FakeInitScript.RequestId(invoke), "ValueError", ErrorJson, ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        Assert.Equal(ErrorJson, Encoding.UTF8.GetString(result.Payload.Span));
        Assert.Equal("Unhandled", result.FunctionError);
        Assert.Equal("ValueError", result.ErrorType);
        Assert.Equal("application/json", result.ContentType);
        Assert.Equal("[ERROR] ValueError: bad input", result.LogLines[1]);
        Assert.Equal($"END RequestId: {request.RequestId}", result.LogLines[^2]);
        Assert.Matches(InvokerTests.ReportPattern(request.RequestId.Value), result.LogLines[^1]);
        Assert.DoesNotContain("Status:", result.LogLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_AfterFunctionError_ReusesTheEnvironment()
    {
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) => sandbox.SendErrorAsync(FakeInitScript.RequestId(invoke), "ValueError", ErrorJson, ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        await harness.InvokeAsync();

        var result = await harness.InvokeAsync();

        Assert.False(result.ColdStart);
        var sandbox = Assert.Single(harness.Sandboxes.Sandboxes);
        Assert.False(sandbox.Killed);
        Assert.Equal(1, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_ErrorWithoutType_IsRuntimeUnknown()
    {
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) => sandbox.SendAsync(
                new(Nimbus.Init.Protocol.FrameType.Error, [new(FrameHeaders.RequestId, FakeInitScript.RequestId(invoke))], "{}"u8.ToArray()),
                ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script);

        var result = await harness.InvokeAsync();

        Assert.Equal("Runtime.Unknown", result.ErrorType);
    }

    [Fact]
    public async Task InvokeAsync_RuntimeExits_ReturnsExitErrorAndDiscardsTheEnvironment()
    {
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                await sandbox.SendLogAsync("about to crash\n", ct);
                await sandbox.SendExitedAsync(ct, status: 3);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        var message = $"RequestId: {request.RequestId} Error: Runtime exited with error: exit status 3";
        AssertErrorPayload(result.Payload, "Runtime.ExitError", message);
        Assert.Equal("Unhandled", result.FunctionError);
        Assert.Equal("Runtime.ExitError", result.ErrorType);
        Assert.Equal(["about to crash", message, $"END RequestId: {request.RequestId}"], result.LogLines.Skip(1).Take(3));
        Assert.EndsWith("\tStatus: error\tError Type: Runtime.ExitError", result.LogLines[^1], StringComparison.Ordinal);
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
        Assert.True(harness.Sandbox(1).Disposed);
    }

    [Fact]
    public async Task InvokeAsync_AfterRuntimeExit_ColdStartsAgain()
    {
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) => sandbox.Number == 1
                ? sandbox.SendExitedAsync(ct, status: 1)
                : FakeInitScript.Echo(sandbox, invoke, ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        await harness.InvokeAsync();

        var result = await harness.InvokeAsync();

        Assert.True(result.ColdStart);
        Assert.Null(result.FunctionError);
        Assert.Equal(2, harness.Sandboxes.Sandboxes.Count);
        Assert.Equal(1, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task TryReserve_RuntimeDiedWhileIdle_RefusesTheEnvironment()
    {
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();
        var environment = Assert.Single(harness.Invoker.Pool.TakeIdle(""));

        await harness.Sandbox(1).SendExitedAsync(TestContext.Current.CancellationToken, status: 2);
        await WaitUntilDeadAsync(environment);

        Assert.False(environment.TryReserve());
        Assert.Equal(EnvironmentState.Dead, environment.State);
    }

    [Fact]
    public async Task InvokeAsync_RuntimeDiesAfterTheReservation_AnswersAsItsExitWithoutSendingTheEvent()
    {
        // The window between taking an idle environment and handing it the event: once answered with a 500.
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();
        var environment = Assert.Single(harness.Invoker.Pool.TakeIdle(""));
        Assert.True(environment.TryReserve());

        await harness.Sandbox(1).SendExitedAsync(TestContext.Current.CancellationToken, status: 2);
        await WaitUntilDeadAsync(environment);
        var outcome = await environment.InvokeAsync(harness.Request(), harness.Time.GetUtcNow().AddSeconds(3), harness.Time, TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeKind.Exited, outcome.Kind);
        Assert.Equal("Runtime exited with error: exit status 2", outcome.ExitDescription);
        Assert.Single(harness.Sandbox(1).Invokes);
        await harness.Invoker.Pool.DiscardAsync(environment);
    }

    [Fact]
    public async Task InvokeAsync_IdleEnvironmentDied_TakesANewOne()
    {
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();
        await harness.Sandbox(1).SendExitedAsync(TestContext.Current.CancellationToken, status: 2);
        using var failSafe = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        failSafe.CancelAfter(InvokerHarness.FailSafe);
        while (harness.Invoker.Environments().Warm > 0)
        {
            await Task.Delay(5, failSafe.Token);
        }

        var result = await harness.InvokeAsync();

        Assert.True(result.ColdStart);
        Assert.Null(result.FunctionError);
        Assert.Equal(2, harness.Sandboxes.Sandboxes.Count);
        Assert.Equal(1, harness.Invoker.Pool.LiveCount);

        // Disposed in the background (the caller does not wait for a dead environment's shutdown), not left running.
        while (!harness.Sandbox(1).Disposed)
        {
            await Task.Delay(5, failSafe.Token);
        }
    }

    [Theory]
    [InlineData(9, "Runtime exited with error: signal: killed")]
    [InlineData(11, "Runtime exited with error: signal: segmentation fault")]
    [InlineData(6, "Runtime exited with error: signal: aborted")]
    [InlineData(15, "Runtime exited with error: signal: terminated")]
    [InlineData(7, "Runtime exited with error: signal: signal 7")]
    public async Task InvokeAsync_RuntimeKilledBySignal_NamesTheSignal(int signal, string description)
    {
        var script = new FakeInitScript { OnInvoke = (sandbox, invoke, ct) => sandbox.SendExitedAsync(ct, signal: signal) };
        await using var harness = await InvokerHarness.StartAsync(script);
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        AssertErrorPayload(result.Payload, "Runtime.ExitError", $"RequestId: {request.RequestId} Error: {description}");
    }

    [Fact]
    public async Task InvokeAsync_RuntimeExitsWithStatusZero_HasNoReason()
    {
        var script = new FakeInitScript { OnInvoke = (sandbox, invoke, ct) => sandbox.SendExitedAsync(ct, status: 0) };
        await using var harness = await InvokerHarness.StartAsync(script);
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        AssertErrorPayload(result.Payload, "Runtime.ExitError", $"RequestId: {request.RequestId} Error: Runtime exited without providing a reason");
    }

    [Fact]
    public async Task InvokeAsync_InitConnectionLost_ReturnsExitErrorWithoutReason()
    {
        // nimbus-init dies without a word: the socket just closes.
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) =>
            {
                sandbox.Kill();
                return Task.CompletedTask;
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        AssertErrorPayload(result.Payload, "Runtime.ExitError", $"RequestId: {request.RequestId} Error: Runtime exited without providing a reason");
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_RuntimeNeverAnswers_TimesOutAndDiscardsTheEnvironment()
    {
        // A real one-second wait: the function's timeout is the behaviour under test.
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) => sandbox.Number == 1 ? FakeInitScript.Hang(sandbox, invoke, ct) : FakeInitScript.Echo(sandbox, invoke, ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        var function = harness.Function with { Timeout = 1 };
        var request = harness.Request(function: function);

        var result = await harness.InvokeAsync(request);

        AssertErrorPayload(result.Payload, "Sandbox.Timedout", $"RequestId: {request.RequestId} Error: Task timed out after 1.00 seconds");
        Assert.Equal("Unhandled", result.FunctionError);
        Assert.Equal("Sandbox.Timedout", result.ErrorType);
        Assert.Contains($"2025-03-04T05:06:07.000Z {request.RequestId} Task timed out after 1.00 seconds", result.LogLines);
        Assert.EndsWith("\tStatus: timeout", result.LogLines[^1], StringComparison.Ordinal);
        Assert.True(harness.Sandbox(1).Killed);
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);

        // Expected to succeed: its own timeout is no window the test must finish inside on a loaded machine.
        var next = await harness.InvokeAsync(harness.Request(function: function with { Timeout = 30 }));

        Assert.True(next.ColdStart);
        Assert.Null(next.FunctionError);
        Assert.Equal(2, harness.Sandboxes.Sandboxes.Count);
    }

    [Fact]
    public async Task InvokeAsync_InitError_ReturnsTheInitErrorAndDiscardsTheEnvironment()
    {
        const string initError = """{"errorMessage":"Unable to import module 'app': No module named 'numpy'","errorType":"Runtime.ImportModuleError","stackTrace":[]}""";
        var script = new FakeInitScript
        {
            OnStart = async (sandbox, ct) =>
            {
                await sandbox.SendLogAsync("[ERROR] Runtime.ImportModuleError\n", ct);
                await sandbox.SendInitErrorAsync("Runtime.ImportModuleError", initError, ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        Assert.Equal(initError, Encoding.UTF8.GetString(result.Payload.Span));
        Assert.Equal("Unhandled", result.FunctionError);
        Assert.Equal("Runtime.ImportModuleError", result.ErrorType);
        Assert.True(result.ColdStart);
        Assert.Equal(
            ["[ERROR] Runtime.ImportModuleError", $"START RequestId: {request.RequestId} Version: $LATEST", $"END RequestId: {request.RequestId}"],
            result.LogLines.Take(3));
        Assert.Matches(InvokerTests.ReportPattern(request.RequestId.Value), result.LogLines[^1]);
        Assert.Contains("\tInit Duration: ", result.LogLines[^1], StringComparison.Ordinal);
        Assert.EndsWith("\tStatus: error\tError Type: Runtime.ImportModuleError", result.LogLines[^1], StringComparison.Ordinal);
        Assert.Empty(harness.Sandbox(1).Invokes);
        Assert.True(harness.Sandbox(1).Disposed);
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_AfterInitError_InitsAgain()
    {
        var script = new FakeInitScript
        {
            OnStart = (sandbox, ct) => sandbox.Number == 1
                ? sandbox.SendInitErrorAsync("Runtime.Unknown", "{}", ct)
                : sandbox.SendReadyAsync(ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        await harness.InvokeAsync();

        var result = await harness.InvokeAsync();

        Assert.True(result.ColdStart);
        Assert.Null(result.FunctionError);
        Assert.Equal(2, harness.Sandboxes.Sandboxes.Count);
    }

    [Fact]
    public async Task InvokeAsync_RuntimeExitsDuringInit_ReturnsExitError()
    {
        var script = new FakeInitScript { OnStart = (sandbox, ct) => sandbox.SendExitedAsync(ct, status: 127) };
        await using var harness = await InvokerHarness.StartAsync(script);
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        AssertErrorPayload(result.Payload, "Runtime.ExitError", $"RequestId: {request.RequestId} Error: Runtime exited with error: exit status 127");
        Assert.Equal("Unhandled", result.FunctionError);
        Assert.True(result.ColdStart);
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_InitTimesOutOnce_RetriesInitWithinTheInvocation()
    {
        var script = new FakeInitScript
        {
            OnStart = (sandbox, ct) => sandbox.Number == 1 ? Task.CompletedTask : sandbox.SendReadyAsync(ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script, options => options.InitTimeout = TimeSpan.FromMilliseconds(200));

        var result = await harness.InvokeAsync();

        Assert.Null(result.FunctionError);
        Assert.True(result.ColdStart);
        Assert.Contains("\tInit Duration: ", result.LogLines[^1], StringComparison.Ordinal);
        Assert.Equal(2, harness.Sandboxes.Sandboxes.Count);
        Assert.True(harness.Sandbox(1).Killed);
        Assert.True(harness.Sandbox(1).Disposed);
        Assert.Empty(harness.Sandbox(1).Invokes);
        Assert.Single(harness.Sandbox(2).Invokes);
        Assert.Equal(1, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_InitTimesOutTwice_ReturnsTimeout()
    {
        // The retry runs within the function's own timeout (1 s here): a real wait, the behaviour under test.
        var script = new FakeInitScript { OnStart = (sandbox, ct) => Task.CompletedTask };
        await using var harness = await InvokerHarness.StartAsync(script, options => options.InitTimeout = TimeSpan.FromMilliseconds(200));
        var request = harness.Request(function: harness.Function with { Timeout = 1 });

        var result = await harness.InvokeAsync(request);

        AssertErrorPayload(result.Payload, "Sandbox.Timedout", $"RequestId: {request.RequestId} Error: Task timed out after 1.00 seconds");
        Assert.Equal("Unhandled", result.FunctionError);
        Assert.Equal(2, harness.Sandboxes.Sandboxes.Count);
        Assert.All(harness.Sandboxes.Sandboxes, sandbox => Assert.True(sandbox.Disposed));
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_InitExitsBeforeConnecting_ThrowsSandboxStartException()
    {
        await using var harness = await InvokerHarness.StartAsync(new FakeInitScript { ExitBeforeConnecting = 2 });

        var error = await Assert.ThrowsAsync<SandboxStartException>(() => harness.InvokeAsync());

        Assert.Equal("nimbus-init exited with status 2 before connecting", error.Message);
        var sandbox = Assert.Single(harness.Sandboxes.Sandboxes);
        Assert.True(sandbox.Disposed);
        Assert.False(File.Exists(sandbox.Spec.HostSocketPath));
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_RuntimeNotOnHost_ThrowsSandboxStartException()
    {
        await using var harness = await InvokerHarness.StartAsync();

        var error = await Assert.ThrowsAsync<SandboxStartException>(() => harness.InvokeAsync(harness.Request(function: harness.Function with { Runtime = "ruby3.3" })));

        Assert.Contains("ruby3.3", error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Sandboxes.Sandboxes); // Refused before a sandbox is started.
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_CallerCancelsWhileRunning_DoesNotLeakTheEnvironment()
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
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var invocation = harness.InvokeCancellableAsync(harness.Request(), caller.Token);
        await arrived.Task.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation);

        harness.Time.Advance(harness.Options.MaxLifetime);
        await harness.Invoker.ReclaimAsync();
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
        Assert.True(harness.Sandbox(1).Killed);
    }

    [Fact]
    public async Task InvokeAsync_CallerCancelsDuringInit_DoesNotLeakTheEnvironment()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new FakeInitScript
        {
            OnStart = (sandbox, ct) =>
            {
                started.TrySetResult();
                return Task.CompletedTask;
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var invocation = harness.InvokeCancellableAsync(harness.Request(), caller.Token);
        await started.Task.WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation);

        harness.Time.Advance(harness.Options.MaxLifetime);
        await harness.Invoker.ReclaimAsync();
        Assert.Equal(0, harness.Invoker.Pool.LiveCount);
        Assert.True(harness.Sandbox(1).Killed);
    }

    private static void AssertErrorPayload(ReadOnlyMemory<byte> payload, string errorType, string errorMessage)
    {
        using var json = JsonDocument.Parse(payload);
        Assert.Equal(errorType, json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(errorMessage, json.RootElement.GetProperty("errorMessage").GetString());
    }

    /// <summary>Waits (with the harness's fail-safe, not a timing assertion) for the read loop to see the runtime's exit.</summary>
    private static async Task WaitUntilDeadAsync(ExecutionEnvironment environment)
    {
        using var failSafe = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        failSafe.CancelAfter(InvokerHarness.FailSafe);
        while (environment.State != EnvironmentState.Dead)
        {
            await Task.Delay(5, failSafe.Token);
        }
    }
}
