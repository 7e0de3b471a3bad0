// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Init.Protocol;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests.RuntimeApi;

/// <summary>
/// SnapStart's /runtime/restore/next and /runtime/restore/error (docs/cold-starts.md#snapstart): in a pre-initialized
/// spare (Start with snapstart-spare) restore/next ends the init phase and returns when the host sends Restore; elsewhere
/// at once. The test plays the runtime; the Start frame's command only says it started and sleeps.
/// </summary>
public sealed class RuntimeApiRestoreTests
{
    private const string RestoreNext = "/2018-06-01/runtime/restore/next";
    private const string Next = "/2018-06-01/runtime/invocation/next";

    [Fact]
    public async Task RestoreNext_InASpare_EndsInitAndReturnsAtRestore()
    {
        await using var host = await SpareAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        await runtime.SendHeadAsync("GET", RestoreNext);
        await host.ExpectAsync(FrameType.Ready);
        await host.SendAsync(new Frame(FrameType.Restore, []));
        var restored = await runtime.ReadResponseAsync();
        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Ready);
        await host.InvokeAsync("req-1", "{}");
        var invoked = await runtime.ReadResponseAsync();

        Assert.Equal(200, restored.Status);
        Assert.Equal(200, invoked.Status);
        Assert.Equal("req-1", invoked.Headers["Lambda-Runtime-Aws-Request-Id"]);
    }

    [Fact]
    public async Task RestoreError_AfterRestore_ForwardsInitErrorFrame()
    {
        await using var host = await SpareAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await runtime.SendHeadAsync("GET", RestoreNext);
        await host.ExpectAsync(FrameType.Ready);
        await host.SendAsync(new Frame(FrameType.Restore, []));
        await runtime.ReadResponseAsync();
        const string Body = """{"errorMessage":"hook failed","errorType":"java.lang.IllegalStateException"}""";

        var accepted = await runtime.RequestAsync("POST", "/2018-06-01/runtime/restore/error", Body, "Lambda-Runtime-Function-Error-Type: Runtime.AfterRestoreError");
        var frame = await host.ExpectAsync(FrameType.InitError);

        Assert.Equal(202, accepted.Status);
        Assert.Equal("Runtime.AfterRestoreError", frame.Header(FrameHeaders.ErrorType));
        Assert.Equal(Body, Encoding.UTF8.GetString(frame.Body.Span));
    }

    [Fact]
    public async Task Restore_RuntimeWaitingInNext_IsReadyAtOnce()
    {
        await using var host = await SpareAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Ready);

        await host.SendAsync(new Frame(FrameType.Restore, []));
        await host.ExpectAsync(FrameType.Ready);
        await host.InvokeAsync("req-1", "{}");

        Assert.Equal(200, (await runtime.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task RestoreNext_NotASpare_ReturnsAtOnceAndNextEndsThePhase()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var restored = await runtime.RequestAsync("GET", RestoreNext);
        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Ready);

        Assert.Equal(200, restored.Status);
    }

    [Fact]
    public async Task RestoreNext_AfterNext_Returns403()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Ready);
        await host.InvokeAsync("req-1", "{}");
        await runtime.ReadResponseAsync();

        var refused = await runtime.RequestAsync("GET", RestoreNext);

        Assert.Equal(403, refused.Status);
    }

    [Fact]
    public async Task RestoreError_BeforeRestore_Returns403()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var refused = await runtime.RequestAsync("POST", "/2018-06-01/runtime/restore/error", "{}", "Lambda-Runtime-Function-Error-Type: Runtime.AfterRestoreError");

        Assert.Equal(403, refused.Status);
    }

    private static async Task<FakeHost> SpareAsync()
    {
        var host = await FakeHost.StartAsync();
        await host.SendAsync(new Frame(
            FrameType.Start,
            [
                new(FrameHeaders.Command, "sh"), new(FrameHeaders.Argument, "-c"), new(FrameHeaders.Argument, "echo started; exec sleep 60"),
                new(FrameHeaders.WorkingDirectory, host.Directory),
                new(FrameHeaders.Environment, "PATH=" + Environment.GetEnvironmentVariable("PATH")),
                new(FrameHeaders.Environment, "AWS_LAMBDA_INITIALIZATION_TYPE=snap-start"), new(FrameHeaders.SnapStartSpare, "1"),
            ]));

        // The test plays the runtime, so it must not ask before nimbus-init took the Start (a real runtime is started by
        // it): a restore/next that came first found no spare and returned at once (a CI flake).
        await host.WaitForStdoutAsync("started");
        return host;
    }
}
