// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Init.Protocol;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests.RuntimeApi;

/// <summary>
/// Streamed responses (Lambda-Runtime-Function-Response-Mode: streaming, chunked): forwarded to the host piece by
/// piece while the runtime is still writing, ended by the last chunk or by error trailers.
/// </summary>
public sealed class RuntimeApiStreamingTests
{
    private const string Next = "/2018-06-01/runtime/invocation/next";

    private static readonly string[] StreamingHead =
    [
        "Lambda-Runtime-Function-Response-Mode: streaming",
        "Transfer-Encoding: chunked",
        "Content-Type: text/plain",
        "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body",
    ];

    private static string Chunk(string text) => $"{Encoding.UTF8.GetByteCount(text):x}\r\n{text}\r\n";

    [Fact]
    public async Task Response_Streaming_ForwardsEachChunkBeforeTheBodyEnds()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        await runtime.SendHeadAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", StreamingHead);
        await runtime.WriteAsync(Chunk("first "));
        var start = await host.ExpectAsync(FrameType.ResponseStart);
        var first = await host.ExpectAsync(FrameType.ResponseChunk);
        await runtime.WriteAsync(Chunk("second"));
        var second = await host.ExpectAsync(FrameType.ResponseChunk);
        await runtime.WriteAsync("0\r\n\r\n");
        var end = await host.ExpectAsync(FrameType.ResponseEnd);
        var accepted = await runtime.ReadResponseAsync();

        Assert.Equal("req-1", start.Header(FrameHeaders.RequestId));
        Assert.Equal("text/plain", start.Header(FrameHeaders.ContentType));
        Assert.Equal("first ", Encoding.UTF8.GetString(first.Body.Span));
        Assert.Equal("second", Encoding.UTF8.GetString(second.Body.Span));
        Assert.Equal("req-1", end.Header(FrameHeaders.RequestId));
        Assert.Null(end.Header(FrameHeaders.ErrorType));
        Assert.Equal(202, accepted.Status);
    }

    [Fact]
    public async Task Response_StreamingErrorTrailers_EndWithTheFunctionsError()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");
        var error = Convert.ToBase64String("""{"errorType":"TypeError","errorMessage":"mid-stream"}"""u8);

        await runtime.SendHeadAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", StreamingHead);
        await runtime.WriteAsync(Chunk("partial"));
        await runtime.WriteAsync($"0\r\nLambda-Runtime-Function-Error-Type: Runtime.Unknown\r\nLambda-Runtime-Function-Error-Body: {error}\r\n\r\n");
        await host.ExpectAsync(FrameType.ResponseStart);
        await host.ExpectAsync(FrameType.ResponseChunk);
        var end = await host.ExpectAsync(FrameType.ResponseEnd);

        Assert.Equal(202, (await runtime.ReadResponseAsync()).Status);
        Assert.Equal("TypeError", end.Header(FrameHeaders.ErrorType));
        Assert.Equal("""{"errorType":"TypeError","errorMessage":"mid-stream"}""", Encoding.UTF8.GetString(end.Body.Span));
    }

    [Fact]
    public async Task Response_StreamingForAnotherId_IsRefusedAndTheConnectionEnds()
    {
        await using var host = await FakeHost.StartAsync();
        using var runtime = await InvokedAsync(host, "req-1");

        await runtime.SendHeadAsync("POST", "/2018-06-01/runtime/invocation/other/response", StreamingHead);
        var refused = await runtime.ReadResponseAsync();

        Assert.Equal(400, refused.Status);
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
}
