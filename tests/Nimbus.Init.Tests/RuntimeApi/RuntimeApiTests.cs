// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Nimbus.Init.Protocol;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests.RuntimeApi;

/// <summary>The Runtime API driven directly over raw sockets: the test plays the runtime (no Start frame is needed).</summary>
public sealed class RuntimeApiTests
{
    private const string Next = "/2018-06-01/runtime/invocation/next";

    [Fact]
    public async Task Hello_CarriesBoundRuntimeApiAndPid()
    {
        await using var host = await FakeHost.StartAsync();

        Assert.StartsWith("127.0.0.1:", host.RuntimeApi, StringComparison.Ordinal);
        Assert.NotEqual("127.0.0.1:0", host.RuntimeApi);
        Assert.True(int.Parse(host.Hello.Header(FrameHeaders.Pid)!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Next_FirstCall_SendsReadyAndReturnsInvokeWithHeaders()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Ready);
        await host.InvokeAsync("req-1", """{"a":1}""", new(FrameHeaders.TraceId, "Root=1-abc"), new(FrameHeaders.ClientContext, """{"c":1}"""), new(FrameHeaders.CognitoIdentity, ""));
        var response = await runtime.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal("""{"a":1}""", response.Text);
        Assert.Equal("req-1", response.Headers["Lambda-Runtime-Aws-Request-Id"]);
        Assert.Equal("1893456000000", response.Headers["Lambda-Runtime-Deadline-Ms"]);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:f", response.Headers["Lambda-Runtime-Invoked-Function-Arn"]);
        Assert.Equal("Root=1-abc", response.Headers["Lambda-Runtime-Trace-Id"]);
        Assert.Equal("""{"c":1}""", response.Headers["Lambda-Runtime-Client-Context"]);
        Assert.False(response.Headers.ContainsKey("Lambda-Runtime-Cognito-Identity"));
        Assert.Equal("application/json", response.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Response_CurrentId_ForwardsResponseFrame()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        var accepted = await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "\"done\"", "Content-Type: text/plain");
        var frame = await host.ExpectAsync(FrameType.Response);

        Assert.Equal(202, accepted.Status);
        Assert.Equal("""{"status":"OK"}""", accepted.Text);
        Assert.Equal("req-1", frame.Header(FrameHeaders.RequestId));
        Assert.Equal("text/plain", frame.Header(FrameHeaders.ContentType));
        Assert.Equal("\"done\"", Encoding.UTF8.GetString(frame.Body.Span));
    }

    [Fact]
    public async Task Response_WrongId_Returns400InvalidRequestId()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        var refused = await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/other/response", "{}");

        Assert.Equal(400, refused.Status);
        AssertError(refused, "InvalidRequestID", "Invalid request ID");

        // The invocation is still open for the right id.
        Assert.Equal(202, (await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "{}")).Status);
        await host.ExpectAsync(FrameType.Response);
    }

    [Fact]
    public async Task Response_Twice_Returns403InvalidStateTransition()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "{}");
        await host.ExpectAsync(FrameType.Response);

        var refused = await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "{}");

        Assert.Equal(403, refused.Status);
        AssertError(refused, "InvalidStateTransition", "State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed");
    }

    [Fact]
    public async Task Response_BeforeAnyInvoke_Returns403()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var refused = await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "{}");

        Assert.Equal(403, refused.Status);
        AssertError(refused, "InvalidStateTransition", "State transition from Started to InvocationResponse failed for runtime. Error: State transition is not allowed");
    }

    [Fact]
    public async Task Response_ChunkedBody_IsReassembled()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        await runtime.SendHeadAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "Transfer-Encoding: chunked");
        await runtime.WriteAsync("5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n");
        var accepted = await runtime.ReadResponseAsync();
        var frame = await host.ExpectAsync(FrameType.Response);

        Assert.Equal(202, accepted.Status);
        Assert.Equal("hello 0123456789", Encoding.UTF8.GetString(frame.Body.Span));
        Assert.Equal("application/json", frame.Header(FrameHeaders.ContentType));
    }

    [Fact]
    public async Task Response_Expect100Continue_GetsContinueBeforeBody()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        var body = new string('b', 4000);

        await runtime.SendHeadAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "Expect: 100-continue", $"Content-Length: {body.Length}");
        var interim = await runtime.ReadResponseAsync();
        await runtime.WriteAsync(body);
        var accepted = await runtime.ReadResponseAsync();
        var frame = await host.ExpectAsync(FrameType.Response);

        Assert.Equal(100, interim.Status);
        Assert.Equal(202, accepted.Status);
        Assert.Equal(body, Encoding.UTF8.GetString(frame.Body.Span));
    }

    [Fact]
    public async Task Response_Oversize_Returns413AndSendsResponseSizeTooLarge()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        var body = new byte[6 * 1024 * 1024 + 101];

        var refused = await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", body);
        var frame = await host.ExpectAsync(FrameType.Error);

        Assert.Equal(413, refused.Status);
        AssertError(refused, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (6291556 bytes).");
        Assert.Equal("req-1", frame.Header(FrameHeaders.RequestId));
        Assert.Equal("Function.ResponseSizeTooLarge", frame.Header(FrameHeaders.ErrorType));
        Assert.Equal("Function.ResponseSizeTooLarge", JsonDocument.Parse(frame.Body).RootElement.GetProperty("errorType").GetString());

        // The body was drained: the connection still works, and the invocation counts as answered.
        Assert.Equal(403, (await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "{}")).Status);
    }

    [Fact]
    public async Task Response_ExactLimit_IsAccepted()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        var body = new byte[6 * 1024 * 1024 + 100];

        // Read frames meanwhile, as a real host does: a 6 MiB frame does not fit in the socket buffer.
        var forwarded = host.ExpectAsync(FrameType.Response);
        var accepted = await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", body);
        var frame = await forwarded;

        Assert.Equal(202, accepted.Status);
        Assert.Equal(body.Length, frame.Body.Length);
    }

    [Fact]
    public async Task Response_OversizeChunked_Returns413()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        var chunk = new string('c', 1024 * 1024);

        await runtime.SendHeadAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "Transfer-Encoding: chunked");
        for (var i = 0; i < 7; i++)
        {
            await runtime.WriteAsync($"{chunk.Length:x}\r\n{chunk}\r\n");
        }

        await runtime.WriteAsync("0\r\n\r\n");
        var refused = await runtime.ReadResponseAsync();
        var frame = await host.ExpectAsync(FrameType.Error);

        Assert.Equal(413, refused.Status);
        Assert.Equal("Function.ResponseSizeTooLarge", frame.Header(FrameHeaders.ErrorType));
        Assert.Contains("(7340032 bytes)", Encoding.UTF8.GetString(frame.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_WithHeader_ForwardsErrorFrameWithHeaderType()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        const string Body = """{"errorMessage":"boom","errorType":"ValueError","stackTrace":["a"]}""";

        var accepted = await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/error", Body, "Lambda-Runtime-Function-Error-Type: Function.ValueError");
        var frame = await host.ExpectAsync(FrameType.Error);

        Assert.Equal(202, accepted.Status);
        Assert.Equal("req-1", frame.Header(FrameHeaders.RequestId));
        Assert.Equal("Function.ValueError", frame.Header(FrameHeaders.ErrorType));
        Assert.Equal(Body, Encoding.UTF8.GetString(frame.Body.Span));
    }

    [Fact]
    public async Task Error_WithoutHeader_TakesTypeFromBody()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/error", """{"errorType":"TypeError","errorMessage":"x","trace":[]}""");
        var frame = await host.ExpectAsync(FrameType.Error);

        Assert.Equal("TypeError", frame.Header(FrameHeaders.ErrorType));
    }

    [Fact]
    public async Task Error_InvalidHeaderAndTextBody_NormalizesTypeAndWrapsBody()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/error", "it broke", "Lambda-Runtime-Function-Error-Type: Function.bad type");
        var frame = await host.ExpectAsync(FrameType.Error);

        Assert.Equal("Function.Unknown", frame.Header(FrameHeaders.ErrorType));
        var body = JsonDocument.Parse(frame.Body).RootElement;
        Assert.Equal("it broke", body.GetProperty("errorMessage").GetString());
        Assert.Equal("Function.Unknown", body.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Error_ErrorCauseContentType_DropsErrorCause()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        const string Body = """{"errorMessage":"m","errorType":"E","stackTrace":[],"errorCause":{"paths":[]}}""";

        await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/error", Body, "Content-Type: application/vnd.aws.lambda.error.cause+json", "Lambda-Runtime-Function-Error-Type: Runtime.Crash");
        var frame = await host.ExpectAsync(FrameType.Error);

        Assert.Equal("Runtime.Crash", frame.Header(FrameHeaders.ErrorType));
        Assert.Equal("""{"errorMessage":"m","errorType":"E","stackTrace":[]}""", Encoding.UTF8.GetString(frame.Body.Span));
    }

    [Fact]
    public async Task InitError_DuringInit_ForwardsInitErrorFrame()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        const string Body = """{"errorMessage":"no handler","errorType":"Runtime.NoSuchHandler"}""";

        var accepted = await runtime.RequestAsync("POST", "/2018-06-01/runtime/init/error", Body, "Lambda-Runtime-Function-Error-Type: Runtime.NoSuchHandler");
        var frame = await host.ExpectAsync(FrameType.InitError);

        Assert.Equal(202, accepted.Status);
        Assert.Equal("Runtime.NoSuchHandler", frame.Header(FrameHeaders.ErrorType));
        Assert.Equal(Body, Encoding.UTF8.GetString(frame.Body.Span));
    }

    [Fact]
    public async Task InitError_AfterInit_Returns403()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        var refused = await runtime.RequestAsync("POST", "/2018-06-01/runtime/init/error", "{}");

        Assert.Equal(403, refused.Status);
        AssertError(refused, "InvalidStateTransition", "State transition from Running to InitError failed for runtime. Error: State transition is not allowed");
    }

    [Fact]
    public async Task Next_WhileInvocationOpen_Returns403()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        var refused = await runtime.RequestAsync("GET", Next);

        Assert.Equal(403, refused.Status);
    }

    [Fact]
    public async Task Next_AfterResponse_DeliversNextInvokeOnSameConnection()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "1");
        await host.ExpectAsync(FrameType.Response);

        await runtime.SendHeadAsync("GET", Next);
        await host.InvokeAsync("req-2", "2");
        var second = await runtime.ReadResponseAsync();

        Assert.Equal("req-2", second.Headers["Lambda-Runtime-Aws-Request-Id"]);
        Assert.Equal("2", second.Text);
    }

    [Fact]
    public async Task Next_ClientGaveUp_InvokeGoesToTheNextPoll()
    {
        await using var host = await FakeHost.StartAsync();
        var first = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await first.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Ready);
        first.Dispose();
        using var second = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await second.SendHeadAsync("GET", Next);

        await host.InvokeAsync("req-1", "{}");
        var response = await second.ReadResponseAsync();

        Assert.Equal("req-1", response.Headers["Lambda-Runtime-Aws-Request-Id"]);
    }

    [Fact]
    public async Task Ping_ReturnsPong()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var pong = await runtime.RequestAsync("GET", "/2018-06-01/ping");

        Assert.Equal(200, pong.Status);
        Assert.Equal("pong", pong.Text);
    }

    [Fact]
    public async Task UnknownPath_Returns404Json()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var missing = await runtime.RequestAsync("GET", "/2018-06-01/runtime/nothing");
        var wrongMethod = await runtime.RequestAsync("POST", Next, "{}");
        var extension = await runtime.RequestAsync("GET", "/2020-01-01/extension/nothing");

        Assert.Equal(404, missing.Status);
        Assert.Equal("NotFound", JsonDocument.Parse(missing.Body).RootElement.GetProperty("errorType").GetString());
        Assert.Equal(404, wrongMethod.Status);
        Assert.Equal(404, extension.Status);
        Assert.Equal("NotFound", JsonDocument.Parse(extension.Body).RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task ConnectionClose_IsHonoured()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var pong = await runtime.RequestAsync("GET", "/ping", (byte[]?)null, "Connection: close");

        Assert.Equal("close", pong.Headers["Connection"]);
        Assert.True(await runtime.ReadsEndOfStreamAsync());
    }

    private static async Task<RawHttpClient> InvokedAsync(FakeHost host, string requestId)
    {
        var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Ready);
        await host.InvokeAsync(requestId, "{}");
        Assert.Equal(200, (await runtime.ReadResponseAsync()).Status);
        return runtime;
    }

    private static void AssertError(RawHttpResponse response, string errorType, string errorMessage)
    {
        Assert.Equal("application/json", response.Headers["Content-Type"]);
        var body = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal(errorType, body.GetProperty("errorType").GetString());
        Assert.Equal(errorMessage, body.GetProperty("errorMessage").GetString());
    }
}
