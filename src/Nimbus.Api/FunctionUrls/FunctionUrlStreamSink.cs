// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.FunctionUrls;
using Nimbus.Execution.Invocation;

namespace Nimbus.Api.FunctionUrls;

/// <summary>
/// A RESPONSE_STREAM function URL's answer, sent as the function writes it (chunked, flushed per piece). With the
/// content type <c>application/vnd.awslambda.http-integration-response</c> the stream opens with a JSON prelude
/// (statusCode, headers, cookies) and 8 NUL bytes, as awslambda.HttpResponseStream.from writes it; any other
/// stream is the body of a 200 with the function's content type. Writes are serialized and stop once completed.
/// </summary>
internal sealed class FunctionUrlStreamSink(HttpContext context, FunctionUrlCors? cors, CancellationToken cancellationToken) : IResponseStreamSink, IDisposable
{
    public const string HttpIntegrationContentType = "application/vnd.awslambda.http-integration-response";

    /// <summary>The prelude is bounded; a function that never ends it is answered as if it had no prelude.</summary>
    private const int MaxPreludeLength = 64 * 1024;

    private static ReadOnlySpan<byte> Delimiter => [0, 0, 0, 0, 0, 0, 0, 0];

    private readonly SemaphoreSlim _lock = new(1, 1);
    private ArrayBufferWriter<byte>? _prelude;
    private bool _started;
    private bool _completed;

    public async ValueTask StartAsync(string contentType)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (contentType.StartsWith(HttpIntegrationContentType, StringComparison.OrdinalIgnoreCase))
            {
                _prelude = new ArrayBufferWriter<byte>(512);
                return;
            }

            await BeginLockedAsync(StatusCodes.Status200OK, contentType, default);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_completed)
            {
                return;
            }

            if (_prelude is { } prelude && !_started)
            {
                prelude.Write(chunk.Span);
                var end = prelude.WrittenSpan.IndexOf(Delimiter);
                if (end < 0 && prelude.WrittenCount <= MaxPreludeLength)
                {
                    return;
                }

                var body = end < 0 ? prelude.WrittenMemory : prelude.WrittenMemory[(end + Delimiter.Length)..];
                await BeginFromPreludeLockedAsync(end < 0 ? default : prelude.WrittenMemory[..end]);
                await WriteLockedAsync(body);
                return;
            }

            await WriteLockedAsync(chunk);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Ends the answer: a prelude still waiting for its delimiter is taken as it is.</summary>
    public async Task CompleteAsync()
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (!_started && _prelude is { } prelude)
            {
                await BeginFromPreludeLockedAsync(prelude.WrittenMemory);
            }

            if (!_started)
            {
                await BeginLockedAsync(StatusCodes.Status200OK, "application/octet-stream", default);
            }

            await context.Response.CompleteAsync();
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private async Task BeginFromPreludeLockedAsync(ReadOnlyMemory<byte> json)
    {
        var status = StatusCodes.Status200OK;
        string? contentType = null;
        var headers = new List<KeyValuePair<string, string>>();
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("statusCode", out var code) && code.TryGetInt32(out var value) && value is >= 100 and <= 599)
                {
                    status = value;
                }

                if (root.TryGetProperty("headers", out var given) && given.ValueKind == JsonValueKind.Object)
                {
                    foreach (var header in given.EnumerateObject())
                    {
                        var text = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText();
                        if (header.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                        {
                            contentType = text;
                        }
                        else
                        {
                            headers.Add(new(header.Name, text));
                        }
                    }
                }

                if (root.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array)
                {
                    foreach (var cookie in cookies.EnumerateArray())
                    {
                        headers.Add(new("Set-Cookie", cookie.ToString()));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A prelude that is not JSON: the defaults stand.
        }

        await BeginLockedAsync(status, contentType ?? "application/octet-stream", headers);
    }

    private async Task BeginLockedAsync(int status, string contentType, List<KeyValuePair<string, string>>? headers)
    {
        _started = true;
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    response.Headers.Append(name, value);
                }
            }
        }

        FunctionUrlCorsPolicy.AddResponseHeaders(response, context.Request, cors);
        await response.StartAsync(cancellationToken);
    }

    private async Task WriteLockedAsync(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        await context.Response.Body.WriteAsync(bytes, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
