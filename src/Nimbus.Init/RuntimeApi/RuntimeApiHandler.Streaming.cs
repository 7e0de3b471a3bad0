// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Init.Http;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.RuntimeApi;

/// <summary>
/// Streamed responses: a runtime that posts <c>/response</c> with <c>Lambda-Runtime-Function-Response-Mode: streaming</c>
/// (chunked) has its body forwarded to the host as it arrives (ResponseStart, ResponseChunk..., ResponseEnd), and a
/// mid-stream error in the trailers <c>Lambda-Runtime-Function-Error-Type</c> and <c>-Error-Body</c> (base64) ends it.
/// </summary>
internal sealed partial class RuntimeApiHandler
{
    public const string ResponseModeHeader = "Lambda-Runtime-Function-Response-Mode";
    public const string StreamingMode = "streaming";
    public const string ErrorTypeTrailer = "Lambda-Runtime-Function-Error-Type";
    public const string ErrorBodyTrailer = "Lambda-Runtime-Function-Error-Body";

    /// <summary>AWS's limit on one streamed response: 200 MB.</summary>
    public const long MaxStreamedLength = 200L * 1024 * 1024;

    private const string StreamContentType = "application/octet-stream";

    public bool StreamsBody(HttpRequest request) =>
        request.Method == "POST"
        && string.Equals(request.Header(ResponseModeHeader), StreamingMode, StringComparison.Ordinal)
        && request.Path.EndsWith("/response", StringComparison.Ordinal)
        && request.Header("Content-Length") is null or not "0";

    private async Task<HttpResponse> StreamedResponseAsync(HttpRequest request, string requestId, HttpConnection connection, CancellationToken cancellationToken)
    {
        if (_coordinator.BeginResult(requestId, InvocationCoordinator.InvocationResponseName) is { } refused)
        {
            return Error(refused);
        }

        var id = new KeyValuePair<string, string>(FrameHeaders.RequestId, requestId);
        var start = new Frame(FrameType.ResponseStart, [id, new(FrameHeaders.ContentType, NonEmpty(request.Header("Content-Type")) ?? StreamContentType)]);
        await _host.SendAsync(start, cancellationToken);
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
                        await _host.SendAsync(new Frame(FrameType.ResponseChunk, [id], chunk), ct);
                    }
                },
                cancellationToken);
        }
        catch (Exception e) when (e is EndOfStreamException or Http.HttpProtocolException or IOException)
        {
            // The runtime's connection broke mid-stream: what was sent stands, the invocation ends in error.
            var truncated = ErrorPayload.Create("The runtime closed the streamed response before its end.", "Runtime.TruncatedResponse");
            await ForwardAsync(End(id, "Runtime.TruncatedResponse", truncated), Error(ApiError.Internal), cancellationToken);
            throw;
        }

        if (sent > MaxStreamedLength)
        {
            var body = ErrorPayload.Create(
                $"Response payload size exceeded maximum allowed payload size ({MaxStreamedLength} bytes).", "Function.ResponseSizeTooLarge");
            return await ForwardAsync(End(id, "Function.ResponseSizeTooLarge", body), Accepted(), cancellationToken);
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
            return await ForwardAsync(End(id, type, body), Accepted(), cancellationToken);
        }

        return await ForwardAsync(new Frame(FrameType.ResponseEnd, [id]), Accepted(), cancellationToken);
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
