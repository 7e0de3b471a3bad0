// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nimbus.Execution.Tests.Fakes;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Tests.Invocation;

public sealed partial class InvokerTests
{
    [Fact]
    public async Task InvokeAsync_FirstInvoke_ColdStartsAndReturnsTheResponse()
    {
        await using var harness = await InvokerHarness.StartAsync();

        var result = await harness.InvokeAsync(harness.Request(payload: """{"hello":"world"}"""));

        Assert.True(result.ColdStart);
        Assert.Equal("""{"hello":"world"}""", Encoding.UTF8.GetString(result.Payload.Span));
        Assert.Null(result.FunctionError);
        Assert.Null(result.ErrorType);
        Assert.Equal("application/json", result.ContentType);
        Assert.Equal("$LATEST", result.ExecutedVersion);
        Assert.Single(harness.Sandboxes.Sandboxes);
        Assert.Equal(1, harness.Invoker.Pool.LiveCount);
    }

    [Fact]
    public async Task InvokeAsync_SecondInvoke_ReusesTheWarmEnvironment()
    {
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();

        var result = await harness.InvokeAsync();

        Assert.False(result.ColdStart);
        var sandbox = Assert.Single(harness.Sandboxes.Sandboxes);
        Assert.Equal(2, sandbox.Invokes.Count);
        Assert.False(sandbox.Killed);
    }

    [Fact]
    public async Task InvokeAsync_Cold_ReportHasInitDuration()
    {
        await using var harness = await InvokerHarness.StartAsync();

        var result = await harness.InvokeAsync();

        Assert.Matches(InitDuration(), result.LogLines[^1]);
    }

    [Fact]
    public async Task InvokeAsync_Warm_ReportHasNoInitDuration()
    {
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();

        var result = await harness.InvokeAsync();

        Assert.DoesNotMatch(InitDuration(), result.LogLines[^1]);
    }

    [Fact]
    public async Task InvokeAsync_Success_WritesStartEndReportAroundTheOutput()
    {
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                await sandbox.SendLogAsync("hello\nwor", ct);
                await sandbox.SendLogAsync("ld\n", ct);
                await sandbox.SendLogAsync("to stderr\n", ct, stream: "stderr");
                await sandbox.SendResponseAsync(FakeInitScript.RequestId(invoke), "{}"u8.ToArray(), ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        Assert.Equal(6, result.LogLines.Count);
        Assert.Equal($"START RequestId: {request.RequestId} Version: $LATEST", result.LogLines[0]);
        Assert.Equal(["hello", "world", "to stderr"], result.LogLines.Skip(1).Take(3));
        Assert.Equal($"END RequestId: {request.RequestId}", result.LogLines[4]);
        Assert.Matches(ReportPattern(request.RequestId.Value), result.LogLines[5]);
    }

    [Fact]
    public async Task InvokeAsync_Warm_ReportHasAwsFormat()
    {
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        var report = result.LogLines[^1];
        var match = Regex.Match(
            report,
            $@"^REPORT RequestId: {request.RequestId}\tDuration: (?<duration>\d+\.\d\d) ms\tBilled Duration: (?<billed>\d+) ms\tMemory Size: 128 MB\tMax Memory Used: 51 MB\t$");
        Assert.True(match.Success, report);
        var duration = double.Parse(match.Groups["duration"].Value, CultureInfo.InvariantCulture);
        var billed = long.Parse(match.Groups["billed"].Value, CultureInfo.InvariantCulture);
        Assert.True(billed >= 1 && billed >= Math.Floor(duration), report);
    }

    [Fact]
    public async Task InvokeAsync_OtherMemorySize_ReportsIt()
    {
        await using var harness = await InvokerHarness.StartAsync();
        var request = harness.Request(function: harness.Function with { MemorySize = 1024 });

        var result = await harness.InvokeAsync(request);

        Assert.Contains("\tMemory Size: 1024 MB\t", result.LogLines[^1], StringComparison.Ordinal);
        Assert.Equal(1024, harness.Sandbox(1).Spec.MemoryMb);
    }

    [Fact]
    public async Task InvokeAsync_BackendCannotTellMemory_ReportsZero()
    {
        var script = new FakeInitScript
        {
            OnStart = (sandbox, ct) =>
            {
                sandbox.PeakMemory = null;
                return sandbox.SendReadyAsync(ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);

        var result = await harness.InvokeAsync();

        Assert.Contains("\tMax Memory Used: 0 MB\t", result.LogLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ResponseWithContentType_KeepsIt()
    {
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) => sandbox.SendResponseAsync(FakeInitScript.RequestId(invoke), "plain"u8.ToArray(), ct, contentType: "text/plain"),
        };
        await using var harness = await InvokerHarness.StartAsync(script);

        var result = await harness.InvokeAsync();

        Assert.Equal("text/plain", result.ContentType);
        Assert.Equal("plain", Encoding.UTF8.GetString(result.Payload.Span));
    }

    [Fact]
    public async Task InvokeAsync_AnswerForAnotherRequest_IsIgnored()
    {
        var script = new FakeInitScript
        {
            OnInvoke = async (sandbox, invoke, ct) =>
            {
                await sandbox.SendResponseAsync("not-this-request", "\"wrong\""u8.ToArray(), ct);
                await sandbox.SendResponseAsync(FakeInitScript.RequestId(invoke), "\"right\""u8.ToArray(), ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);

        var result = await harness.InvokeAsync();

        Assert.Equal("\"right\"", Encoding.UTF8.GetString(result.Payload.Span));
    }

    [Fact]
    public async Task InvokeAsync_Request_SendsInvokeFrameWithHeadersAndEvent()
    {
        await using var harness = await InvokerHarness.StartAsync();
        var request = harness.Request(payload: """{"k":"v"}""") with
        {
            TraceId = "Root=1-5e1b4151-5ac6c58f5b5dbd6a2c3d4e5f;Sampled=1",
            ClientContext = """{"custom":{"a":"b"}}""",
            CognitoIdentity = """{"cognitoIdentityId":"id"}""",
            InvokedFunctionArn = TestFunctions.Scope.FunctionArn("my-function", "$LATEST"),
        };

        await harness.InvokeAsync(request);

        var invoke = Assert.Single(harness.Sandbox(1).Invokes);
        Assert.Equal(request.RequestId.Value, invoke.Header(FrameHeaders.RequestId));
        Assert.Equal(request.InvokedFunctionArn, invoke.Header(FrameHeaders.FunctionArn));
        Assert.Equal((TestFunctions.Epoch + TimeSpan.FromSeconds(3)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), invoke.Header(FrameHeaders.DeadlineMs));
        Assert.Equal(request.TraceId, invoke.Header(FrameHeaders.TraceId));
        Assert.Equal(request.ClientContext, invoke.Header(FrameHeaders.ClientContext));
        Assert.Equal(request.CognitoIdentity, invoke.Header(FrameHeaders.CognitoIdentity));
        Assert.Equal("""{"k":"v"}""", Encoding.UTF8.GetString(invoke.Body.Span));
    }

    [Fact]
    public async Task InvokeAsync_RequestWithoutOptionalContext_SendsNoOptionalHeaders()
    {
        await using var harness = await InvokerHarness.StartAsync();

        await harness.InvokeAsync();

        var invoke = Assert.Single(harness.Sandbox(1).Invokes);
        Assert.Null(invoke.Header(FrameHeaders.TraceId));
        Assert.Null(invoke.Header(FrameHeaders.ClientContext));
        Assert.Null(invoke.Header(FrameHeaders.CognitoIdentity));
    }

    [Fact]
    public async Task InvokeAsync_ColdStart_SendsStartFrameFromTheLauncher()
    {
        await using var harness = await InvokerHarness.StartAsync();

        await harness.InvokeAsync();

        var sandbox = harness.Sandbox(1);
        var start = await sandbox.Started;
        Assert.Equal(FrameType.Start, start.Type);
        Assert.Equal("/fake/bin/python3.12", start.Header(FrameHeaders.Command));
        Assert.Equal(["-u", "/fake/lambda-runtimes/python/launch.py"], Values(start, "arg"));
        Assert.Equal(sandbox.Spec.CodeDirectory, start.Header(FrameHeaders.WorkingDirectory));
        Assert.Contains("AWS_LAMBDA_FUNCTION_NAME=my-function", Values(start, "env"));
        Assert.Contains("AWS_LAMBDA_INITIALIZATION_TYPE=on-demand", Values(start, "env"));
    }

    [Fact]
    public async Task InvokeAsync_ColdStart_GivesTheSandboxItsSpec()
    {
        await using var harness = await InvokerHarness.StartAsync();

        await harness.InvokeAsync(harness.Request(function: harness.Function with { MemorySize = 512, EphemeralStorageSize = 1024 }));

        var spec = harness.Sandbox(1).Spec;
        Assert.Matches("^[0-9a-f]{32}$", spec.EnvironmentId);
        Assert.Equal("/fake/nimbus-init", spec.InitExecutable);
        Assert.Equal("/fake/lambda-runtimes", spec.RuntimeDirectory);
        Assert.StartsWith("/fake/unpacked/", spec.CodeDirectory, StringComparison.Ordinal);
        Assert.Equal(512, spec.MemoryMb);
        Assert.Equal(1024, spec.EphemeralStorageMb);
        Assert.False(File.Exists(spec.HostSocketPath));
    }

    [Fact]
    public async Task InvokeAsync_Success_PersistsLinesUnderTheFunctionsLogGroup()
    {
        await using var harness = await InvokerHarness.StartAsync();
        var request = harness.Request();

        var result = await harness.InvokeAsync(request);

        await harness.Logs.WaitUntilAsync(events => events.Any(e => e.Event.Message.StartsWith("REPORT", StringComparison.Ordinal)), TestContext.Current.CancellationToken)
            .WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        var stored = harness.Logs.Events;
        Assert.Equal(result.LogLines, stored.Select(e => e.Event.Message));
        Assert.All(stored, e => Assert.Equal("/aws/lambda/my-function", e.Group));
        Assert.All(stored, e => Assert.Equal(TestFunctions.Scope, e.Scope));
        Assert.All(stored, e => Assert.Equal(TestFunctions.Epoch, e.Event.Timestamp));
        Assert.Matches(@"^2025/03/04/\[\$LATEST\][0-9a-f]{32}$", stored[0].Stream);
        Assert.Single(stored.Select(e => e.Stream).Distinct());
    }

    [Fact]
    public async Task InvokeAsync_LogStream_IsTheStreamNameTheRuntimeIsGiven()
    {
        await using var harness = await InvokerHarness.StartAsync();

        await harness.InvokeAsync();

        await harness.Logs.WaitUntilAsync(events => events.Count > 0, TestContext.Current.CancellationToken)
            .WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        var start = await harness.Sandbox(1).Started;
        Assert.Contains($"AWS_LAMBDA_LOG_STREAM_NAME={harness.Logs.Events[0].Stream}", Values(start, "env"));
        Assert.Contains("AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/my-function", Values(start, "env"));
    }

    [Fact]
    public async Task InvokeAsync_InitOutput_IsPersistedBeforeStartButNotReturned()
    {
        var script = new FakeInitScript
        {
            OnStart = async (sandbox, ct) =>
            {
                await sandbox.SendLogAsync("loading model\n", ct);
                await sandbox.SendReadyAsync(ct);
            },
        };
        await using var harness = await InvokerHarness.StartAsync(script);

        var result = await harness.InvokeAsync();

        Assert.DoesNotContain("loading model", result.LogLines);
        await harness.Logs.WaitUntilAsync(events => events.Any(e => e.Event.Message.StartsWith("REPORT", StringComparison.Ordinal)), TestContext.Current.CancellationToken)
            .WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        var messages = harness.Logs.Events.Select(e => e.Event.Message).ToList();
        Assert.Equal("loading model", messages[0]);
        Assert.StartsWith("START RequestId:", messages[1], StringComparison.Ordinal);
        Assert.Single(harness.Logs.Events.Select(e => e.Stream).Distinct());
    }

    [Fact]
    public async Task InvokeAsync_WarmInvokes_PersistToTheSameStream()
    {
        await using var harness = await InvokerHarness.StartAsync();
        await harness.InvokeAsync();
        harness.Time.Advance(TimeSpan.FromDays(1));

        await harness.InvokeAsync();

        await harness.Logs.WaitUntilAsync(events => events.Count(e => e.Event.Message.StartsWith("REPORT", StringComparison.Ordinal)) == 2, TestContext.Current.CancellationToken)
            .WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        var stream = Assert.Single(harness.Logs.Events.Select(e => e.Stream).Distinct());
        Assert.StartsWith("2025/03/04/", stream, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_NewEnvironment_GetsItsOwnStream()
    {
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) => sandbox.Number == 1
                ? sandbox.SendExitedAsync(ct, status: 1)
                : FakeInitScript.Echo(sandbox, invoke, ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script);
        await harness.InvokeAsync();

        await harness.InvokeAsync();

        await harness.Logs.WaitUntilAsync(events => events.Count(e => e.Event.Message.StartsWith("REPORT", StringComparison.Ordinal)) == 2, TestContext.Current.CancellationToken)
            .WaitAsync(InvokerHarness.FailSafe, TestContext.Current.CancellationToken);
        Assert.Equal(2, harness.Logs.Events.Select(e => e.Stream).Distinct().Count());
    }

    [Fact]
    public void SandboxName_IsTheFactorysName()
    {
        var code = new Nimbus.TestKit.Fakes.InMemoryCodeStore();
        var data = Directory.CreateTempSubdirectory("nx-");
        var invoker = new Nimbus.Execution.Invocation.Invoker(
            new FakeSandboxFactory(new FakeInitScript()),
            new Nimbus.Execution.Environments.RuntimeLauncher(Nimbus.TestKit.Fakes.FakeRuntimeRegistry.Default(), new ExecutionOptions()),
            code,
            new Nimbus.Storage.Code.LayerTree(data.FullName, code, Microsoft.Extensions.Logging.Abstractions.NullLogger<Nimbus.Storage.Code.LayerTree>.Instance),
            new Nimbus.Execution.Logs.FunctionLogWriter(new RecordingLogStore(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Nimbus.Execution.Logs.FunctionLogWriter>.Instance),
            Microsoft.Extensions.Options.Options.Create(new ExecutionOptions { WorkDirectory = Path.GetTempPath() }),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Nimbus.Execution.Invocation.Invoker>.Instance,
            new Nimbus.Execution.Concurrency.ConcurrencyGate(new Nimbus.Core.Functions.ConcurrencyReservations(), 1000, 1000, TimeProvider.System));

        Assert.Equal("fake", invoker.SandboxName);
        data.Delete(recursive: true);
    }

    internal static Regex ReportPattern(string requestId) =>
        new($@"^REPORT RequestId: {Regex.Escape(requestId)}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: \d+ MB\tMax Memory Used: \d+ MB\t");

    private static List<string> Values(Frame frame, string name) =>
        frame.Headers.Where(h => h.Key == name).Select(h => h.Value).ToList();

    [GeneratedRegex(@"\tInit Duration: \d+\.\d\d ms\t")]
    private static partial Regex InitDuration();
}
