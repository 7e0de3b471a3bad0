// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Init.Protocol;
using Nimbus.Init.Tests.Support;
using static Nimbus.Init.Tests.Support.Handovers;

namespace Nimbus.Init.Tests.RuntimeApi;

/// <summary>
/// The hand-over of the runtime's connection to the host (docs/internals/invoke-path.md#direct-runtime-api): with
/// direct-runtime-api in Start, the runtime's /next after its first answer becomes a Handover frame naming the
/// connection and the output pipes by their numbers in nimbus-init; the test, as the host, copies them with
/// pidfd_getfd and answers the runtime itself. The test plays the runtime; the Start frame's command only sleeps.
/// </summary>
public sealed class RuntimeApiHandoverTests
{
    [Fact]
    public async Task NextAfterFirstAnswer_HandsConnectionAndPipesToHost()
    {
        await using var host = await StartedAsync(direct: true);
        using var runtime = await FirstAnsweredAsync(host);

        await runtime.SendHeadAsync("GET", Next);
        var handover = await host.ExpectAsync(FrameType.Handover);
        using var connection = Copy(host, handover, FrameHeaders.Fd);
        await connection.SendAsync("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: req-2\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray());
        var answered = await runtime.ReadResponseAsync();

        Assert.Equal("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n", Encoding.ASCII.GetString(handover.Body.Span));
        Assert.Equal(200, answered.Status);
        Assert.Equal("req-2", answered.Headers["Lambda-Runtime-Aws-Request-Id"]);
        Assert.StartsWith("pipe:", PipeTarget(host, handover, FrameHeaders.StdoutFd), StringComparison.Ordinal);
        Assert.StartsWith("pipe:", PipeTarget(host, handover, FrameHeaders.StderrFd), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextAfterFirstAnswer_WithoutDirect_IsAnsweredByInit()
    {
        await using var host = await StartedAsync(direct: false);
        using var runtime = await FirstAnsweredAsync(host);

        await runtime.SendHeadAsync("GET", Next);
        await host.InvokeAsync("req-2", "{}");
        var answered = await runtime.ReadResponseAsync();

        Assert.Equal("req-2", answered.Headers["Lambda-Runtime-Aws-Request-Id"]);
    }

    [Fact]
    public async Task PipelinedResultAndNext_The202GoesBeforeTheHandover()
    {
        // A runtime that sends its next /next with its result (HTTP pipelining): nimbus-init answers the result, then
        // hands the connection over with the /next, which the host answers.
        await using var host = await StartedAsync(direct: true);
        using var runtime = await FirstResultWithNextAsync(host);
        var handover = await host.ExpectAsync(FrameType.Handover);
        var accepted = await runtime.ReadResponseAsync();
        using var connection = Copy(host, handover, FrameHeaders.Fd);
        await connection.SendAsync("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: req-2\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray());
        var answered = await runtime.ReadResponseAsync();

        Assert.Equal(202, accepted.Status);
        Assert.Equal("req-2", answered.Headers["Lambda-Runtime-Aws-Request-Id"]);
    }

    [Fact]
    public async Task PipelinedResultAndNext_WithoutDirect_AnsweredInOrder()
    {
        await using var host = await StartedAsync(direct: false);
        using var runtime = await FirstResultWithNextAsync(host);
        await host.InvokeAsync("req-2", "{}");
        var accepted = await runtime.ReadResponseAsync();
        var answered = await runtime.ReadResponseAsync();

        Assert.Equal(202, accepted.Status);
        Assert.Equal("req-2", answered.Headers["Lambda-Runtime-Aws-Request-Id"]);
    }

    [Fact]
    public async Task InvokeAfterHandover_IsSentBackToHost()
    {
        await using var host = await StartedAsync(direct: true);
        using var runtime = await FirstAnsweredAsync(host);
        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Handover);

        await host.InvokeAsync("req-2", """{"b":2}""");
        var returned = await host.ExpectAsync(FrameType.Invoke);

        Assert.Equal("req-2", returned.Header(FrameHeaders.RequestId));
        Assert.Equal("""{"b":2}""", Encoding.UTF8.GetString(returned.Body.Span));
    }

    [Fact]
    public async Task NewConnectionAfterHandover_FollowsUnread()
    {
        await using var host = await StartedAsync(direct: true);
        using var runtime = await FirstAnsweredAsync(host);
        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Handover);

        using var second = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await second.SendHeadAsync("GET", "/2018-06-01/ping");
        var handover = await host.ExpectAsync(FrameType.Handover);
        using var connection = Copy(host, handover, FrameHeaders.Fd);
        var buffer = new byte[256];
        var read = await connection.ReceiveAsync(buffer);

        Assert.Equal(0, handover.Body.Length);
        Assert.Null(handover.Header(FrameHeaders.StdoutFd));
        Assert.StartsWith("GET /2018-06-01/ping HTTP/1.1\r\n", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandoverTaken_InitClosesItsDescriptor()
    {
        await using var host = await StartedAsync(direct: true);
        using var runtime = await FirstAnsweredAsync(host);
        await runtime.SendHeadAsync("GET", Next);
        var handover = await host.ExpectAsync(FrameType.Handover);
        using var connection = Copy(host, handover, FrameHeaders.Fd);
        var fd = handover.Header(FrameHeaders.Fd)!;
        var path = $"/proc/{host.InitPid}/fd/{fd}";
        var before = File.Exists(path);

        await host.SendAsync(new Frame(FrameType.HandoverTaken, [new(FrameHeaders.Fd, fd)]));
        using var failSafe = FakeHost.Timeout();
        while (File.Exists(path))
        {
            await Task.Delay(10, failSafe.Token);
        }

        // The connection lives on in the host's copy.
        await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        Assert.True(before);
        Assert.Equal(200, (await runtime.ReadResponseAsync()).Status);
    }
}
