// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Init.Http;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.RuntimeApi;

/// <summary>
/// Streamed responses: a runtime that posts <c>/response</c> with <c>Lambda-Runtime-Function-Response-Mode: streaming</c>
/// (chunked) has its body forwarded as it arrives (ResponseStart, ResponseChunk..., ResponseEnd), and a mid-stream error
/// in the trailers <c>Lambda-Runtime-Function-Error-Type</c> and <c>-Error-Body</c> (base64) ends it. Shared by
/// nimbus-init's handler and the server's (the frames go to the host link, or straight to the environment).
/// </summary>
internal static class StreamedResponse
{
    public const string ErrorTypeTrailer = "Lambda-Runtime-Function-Error-Type";
    public const string ErrorBodyTrailer = "Lambda-Runtime-Function-Error-Body";

    /// <summary>AWS's limit on one streamed response: 200 MB.</summary>
    public const long MaxStreamedLength = 200L * 1024 * 1024;

    private const string StreamContentType = "application/octet-stream";

    /// <summary>True when <paramref name="request"/>'s body is to be read as it arrives (<see cref="IRequestHandler.StreamsBody"/>).</summary>
    public static bool StreamsBody(HttpRequest request) =>
        request.Method == "POST"
        && string.Equals(request.Header(RuntimeApiAnswers.ResponseModeHeader), RuntimeApiAnswers.StreamingMode, StringComparison.Ordinal)
        && request.Path.EndsWith("/response", StringComparison.Ordinal)
        && request.Header("Content-Length") is null or not "0";

    /// <summary>
    /// Forwards the streamed body through <paramref name="send"/>; the runtime's answer. A <paramref name="send"/> that
    /// throws an IO error (the host is gone) makes the answer a 500.
    /// </summary>
    public static async Task<HttpResponse> ForwardAsync(
        InvocationCoordinator coordinator,
        HttpRequest request,
        string requestId,
        HttpConnection connection,
        Func<Frame, CancellationToken, Task> send,
        CancellationToken cancellationToken)
    {
        if (coordinator.BeginResult(requestId, InvocationCoordinator.InvocationResponseName) is { } refused)
        {
            return RuntimeApiAnswers.Error(refused);
        }

        var id = new KeyValuePair<string, string>(FrameHeaders.RequestId, requestId);
        var start = new Frame(FrameType.ResponseStart, [id, new(FrameHeaders.ContentType, RuntimeApiAnswers.NonEmpty(request.Header("Content-Type")) ?? StreamContentType)]);
        await send(start, cancellationToken);
        var sent = 0L;
        IReadOnlyList<KeyValuePair<string, string>> trailers;
        try
        {
            trailers = await connection.StreamBodyAsync(
                request,
                async (chunk, ct) =>
                {
                    sent += chunk.Length;
                    if (sent <= MaxStreamedLength)
                    {
                        await send(new Frame(FrameType.ResponseChunk, [id], chunk), ct);
                    }
                },
                cancellationToken);
        }
        catch (Exception e) when (e is EndOfStreamException or Http.HttpProtocolException or IOException)
        {
            // The runtime's connection broke mid-stream: what was sent stands, the invocation ends in error.
            var truncated = ErrorPayload.Create("The runtime closed the streamed response before its end.", "Runtime.TruncatedResponse");
            await SendOrFailAsync(send, End(id, "Runtime.TruncatedResponse", truncated), RuntimeApiAnswers.Error(ApiError.Internal), cancellationToken);
            throw;
        }

        if (sent > MaxStreamedLength)
        {
            var body = ErrorPayload.Create(
                $"Response payload size exceeded maximum allowed payload size ({MaxStreamedLength} bytes).", "Function.ResponseSizeTooLarge");
            return await SendOrFailAsync(send, End(id, "Function.ResponseSizeTooLarge", body), RuntimeApiAnswers.Accepted(), cancellationToken);
        }

        if (Trailer(trailers, ErrorTypeTrailer) is { Length: > 0 } errorType)
        {
            var encoded = Trailer(trailers, ErrorBodyTrailer);
            byte[] raw;
            try
            {
                raw = encoded is null ? [] : Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                raw = Encoding.UTF8.GetBytes(encoded ?? "");
            }

            // As for /error without the header: the body's errorType names the error as the function named it.
            var (type, body) = ErrorPayload.Read(raw.Length > 0 ? null : errorType, "application/json", raw);
            return await SendOrFailAsync(send, End(id, type, body), RuntimeApiAnswers.Accepted(), cancellationToken);
        }

        return await SendOrFailAsync(send, new Frame(FrameType.ResponseEnd, [id]), RuntimeApiAnswers.Accepted(), cancellationToken);
    }

    /// <summary>Sends <paramref name="frame"/> and answers <paramref name="answer"/>, or 500 when the host is gone.</summary>
    public static async Task<HttpResponse> SendOrFailAsync(Func<Frame, CancellationToken, Task> send, Frame frame, HttpResponse answer, CancellationToken cancellationToken)
    {
        try
        {
            await send(frame, cancellationToken);
            return answer;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The host is gone; nimbus-init is about to kill the runtime and exit.
            return RuntimeApiAnswers.Error(ApiError.Internal);
        }
    }

    private static Frame End(KeyValuePair<string, string> id, string errorType, byte[] body) =>
        new(FrameType.ResponseEnd, [id, new(FrameHeaders.ErrorType, errorType)], body);

    private static string? Trailer(IReadOnlyList<KeyValuePair<string, string>> trailers, string name)
    {
        foreach (var (key, value) in trailers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
