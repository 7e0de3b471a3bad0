// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Nimbus.Init.Protocol;
using Nimbus.Init.Runtime;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests;

/// <summary>nimbus-init with a real runtime process: a python or /bin/sh custom runtime.</summary>
public sealed class RuntimeProcessTests
{
    [Fact]
    public async Task Invoke_PythonRuntime_ResponseShowsEventHeadersEnvironmentAndLogsComeFirst()
    {
        await using var host = await FakeHost.StartAsync();
        var script = Runtimes.Write(host, "runtime.py", Runtimes.EchoPython);

        await host.StartRuntimeAsync(Runtimes.Python, [script, "second arg"], ["MY_VAR=a=b", "AWS_LAMBDA_RUNTIME_API=overridden"]);
        await host.ExpectAsync(FrameType.Ready);
        Assert.Contains("init: starting", host.Stdout, StringComparison.Ordinal);
        await host.InvokeAsync("req-1", """{"hello":"world"}""", new(FrameHeaders.TraceId, "Root=1-t"), new(FrameHeaders.CognitoIdentity, """{"cognitoIdentityId":"i"}"""));
        var response = await host.ExpectAsync(FrameType.Response);

        Assert.Equal("req-1", response.Header(FrameHeaders.RequestId));
        Assert.Equal("application/json", response.Header(FrameHeaders.ContentType));
        Assert.Contains("handling req-1", host.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning from req-1", host.Stderr, StringComparison.Ordinal);
        var seen = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("world", seen.GetProperty("event").GetProperty("hello").GetString());
        var headers = seen.GetProperty("headers");
        Assert.Equal("req-1", headers.GetProperty("Lambda-Runtime-Aws-Request-Id").GetString());
        Assert.Equal("1893456000000", headers.GetProperty("Lambda-Runtime-Deadline-Ms").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:f", headers.GetProperty("Lambda-Runtime-Invoked-Function-Arn").GetString());
        Assert.Equal("Root=1-t", headers.GetProperty("Lambda-Runtime-Trace-Id").GetString());
        Assert.Equal("""{"cognitoIdentityId":"i"}""", headers.GetProperty("Lambda-Runtime-Cognito-Identity").GetString());
        Assert.False(headers.TryGetProperty("Lambda-Runtime-Client-Context", out _));
        var environment = seen.GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(["AWS_LAMBDA_RUNTIME_API", "LC_ALL", "MY_VAR", "PATH", RuntimeStartInfo.RuntimeApiSocketVariable], environment.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(host.RuntimeApi, environment["AWS_LAMBDA_RUNTIME_API"]);
        Assert.Equal(RuntimeStartInfo.RuntimeApiSocketPrefix + host.RuntimeApi.Split(':')[^1], environment[RuntimeStartInfo.RuntimeApiSocketVariable]);
        Assert.Equal("a=b", environment["MY_VAR"]);
        Assert.Equal(host.Directory, seen.GetProperty("cwd").GetString());
        Assert.Equal(["second arg"], seen.GetProperty("argv").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Invoke_SecondInvocation_ReusesTheRuntime()
    {
        await using var host = await FakeHost.StartAsync();
        var script = Runtimes.Write(host, "runtime.py", Runtimes.EchoPython);
        await host.StartRuntimeAsync(Runtimes.Python, [script]);
        await host.ExpectAsync(FrameType.Ready);

        await host.InvokeAsync("req-1", "{}");
        Assert.Equal("req-1", (await host.ExpectAsync(FrameType.Response)).Header(FrameHeaders.RequestId));
        await host.InvokeAsync("req-2", "{}");
        Assert.Equal("req-2", (await host.ExpectAsync(FrameType.Response)).Header(FrameHeaders.RequestId));
    }

    [Fact]
    public async Task RuntimeCrash_SendsOutputThenExitedWithStatus()
    {
        await using var host = await FakeHost.StartAsync();
        var script = Runtimes.Write(host, "runtime.py", Runtimes.EchoPython);
        await host.StartRuntimeAsync(Runtimes.Python, [script]);
        await host.ExpectAsync(FrameType.Ready);

        await host.InvokeAsync("req-1", """{"action":"exit","code":3,"bytes":200000}""");
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("3", exited.Header(FrameHeaders.Status));
        Assert.Null(exited.Header(FrameHeaders.Signal));
        Assert.Contains(new string('x', 200000), host.Stdout, StringComparison.Ordinal);
        Assert.All(host.Logs, log => Assert.InRange(log.Body.Length, 1, 64 * 1024));
    }

    [Fact]
    public async Task Start_CommandFromPathAndArguments_RunsWithThem()
    {
        await using var host = await FakeHost.StartAsync();

        await host.StartRuntimeAsync("sh", ["-c", "echo \"$0|$1|$(pwd)\"; exit 7", "first", "two words"]);
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("7", exited.Header(FrameHeaders.Status));
        Assert.Equal($"first|two words|{host.Directory}\n", host.Stdout);
    }

    [Fact]
    public async Task Start_MissingCommand_LogsAndReportsExit127()
    {
        await using var host = await FakeHost.StartAsync();

        await host.StartRuntimeAsync("/nonexistent/bootstrap", []);
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("127", exited.Header(FrameHeaders.Status));
        Assert.Contains("/nonexistent/bootstrap", host.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_RuntimeHonoursSigterm_ExitedWithSignal15AndInitExits0()
    {
        await using var host = await FakeHost.StartAsync();
        var script = Runtimes.Write(host, "runtime.py", Runtimes.EchoPython);
        await host.StartRuntimeAsync(Runtimes.Python, [script]);
        await host.ExpectAsync(FrameType.Ready);

        await host.SendAsync(new Frame(FrameType.Shutdown, [new(FrameHeaders.GraceMs, "30000")]));
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("15", exited.Header(FrameHeaders.Signal));
        Assert.Equal(0, await host.WaitForInitExitAsync());
    }

    [Fact]
    public async Task Shutdown_RuntimeIgnoresSigterm_KilledAfterGrace()
    {
        await using var host = await FakeHost.StartAsync();

        // Ignored signals stay ignored across exec, so sleep ignores SIGTERM as well.
        await host.StartRuntimeAsync("/bin/sh", ["-c", "trap '' TERM; echo ready; exec sleep 600"]);
        await host.WaitForStdoutAsync("ready");
        await host.SendAsync(new Frame(FrameType.Shutdown, [new(FrameHeaders.GraceMs, "100")]));
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("9", exited.Header(FrameHeaders.Signal));
        Assert.Equal(0, await host.WaitForInitExitAsync());
    }

    [Fact]
    public async Task HostSocketClosed_KillsRuntimeAndExits()
    {
        await using var host = await FakeHost.StartAsync();
        var fifo = Path.Combine(host.Directory, "alive");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // The runtime holds the FIFO's write end: the test's read end sees end of file when the runtime dies.
        await host.StartRuntimeAsync("/bin/sh", ["-c", "exec 3>\"$0\"; echo started; exec sleep 600", fifo]);
        await using var alive = new FileStream(fifo, FileMode.Open, FileAccess.Read);
        await host.WaitForStdoutAsync("started");
        host.CloseConnection();

        using var timeout = FakeHost.Timeout();
        Assert.Equal(0, await alive.ReadAsync(new byte[1], timeout.Token));
        Assert.Equal(0, await host.WaitForInitExitAsync());
    }
}
