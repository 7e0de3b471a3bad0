// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Nimbus.Init.Http;

/// <summary>
/// One client connection: reads requests (Content-Length or chunked bodies, <c>Expect: 100-continue</c>), hands them
/// to the handler and writes the answers, keeping the connection open unless either side asks otherwise.
/// No pipelining: the next request is read only after the previous one was answered.
/// </summary>
internal sealed class HttpConnection : IDisposable
{
    /// <summary>Bodies are kept up to 6 MiB + 100 bytes (Lambda's payload limit); longer ones are read and dropped.</summary>
    public const int MaxBodyLength = 6 * 1024 * 1024 + 100;

    private const int BufferSize = 64 * 1024;
    private const int MaxLineLength = 8 * 1024;

    private static readonly byte[] s_continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly IRequestHandler _handler;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    public HttpConnection(Socket socket, IRequestHandler handler)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _handler = handler;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            HttpRequest? request;
            try
            {
                request = await ReadRequestAsync(cancellationToken);
            }
            catch (HttpProtocolException e)
            {
                var error = new HttpResponse(e.Status, Encoding.UTF8.GetBytes(e.Message), "text/plain") { Close = true };
                await _stream.WriteAsync(error.Serialize(), cancellationToken);
                return;
            }

            if (request is null)
            {
                return;
            }

            var response = await _handler.HandleAsync(request, this, cancellationToken);
            if (response is null)
            {
                return;
            }

            response.Close |= !request.KeepAlive;
            await _stream.WriteAsync(response.Serialize(), cancellationToken);
            if (response.Close)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Waits while the client has nothing to say: true when it closed the connection, false when it sent bytes
    /// (kept for the next request) or <paramref name="cancellationToken"/> fired. Lets a long poll notice a client
    /// that gave up, so no invocation is handed to a dead connection.
    /// </summary>
    public async Task<bool> WaitForCloseAsync(CancellationToken cancellationToken)
    {
        Compact();
        if (_end == _buffer.Length)
        {
            return false;
        }

        try
        {
            var count = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            _end += count;
            return count == 0;
        }
        catch (OperationCanceledException)
        {
            // The cancel may have beaten the notice of a close that already arrived: look once more, without waiting.
            return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _stream.Dispose();

    private async Task<HttpRequest?> ReadRequestAsync(CancellationToken cancellationToken)
    {
        int headLength;
        while (true)
        {
            // Tolerate empty lines before a request (RFC 9112 §2.2).
            while (_end - _start >= 2 && _buffer[_start] == '\r' && _buffer[_start + 1] == '\n')
            {
                _start += 2;
            }

            headLength = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (headLength >= 0)
            {
                break;
            }

            if (_start == 0 && _end == _buffer.Length)
            {
                throw new HttpProtocolException(431, "request head too large");
            }

            if (!await FillAsync(cancellationToken))
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new EndOfStreamException("the client closed the connection in the middle of a request");
            }
        }

        var request = ParseHead(Encoding.Latin1.GetString(_buffer, _start, headLength));
        _start += headLength + 4;
        await ReadBodyAsync(request, cancellationToken);
        return request;
    }

    private static HttpRequest ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new HttpProtocolException("malformed request line");
        }

        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || lines[i].AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                throw new HttpProtocolException("malformed header line");
            }

            // Header values are UTF-8 on the wire in practice; the head was decoded as Latin-1 byte for byte.
            var value = lines[i].AsSpan(colon + 1).Trim(" \t");
            headers.Add(new(lines[i][..colon], Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(value.ToString()))));
        }

        var target = parts[1];
        var query = target.IndexOf('?', StringComparison.Ordinal);
        string? connection = null;
        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase))
            {
                connection = value;
                break;
            }
        }

        return new HttpRequest
        {
            Method = parts[0],
            Path = query >= 0 ? target[..query] : target,
            Headers = headers,
            KeepAlive = parts[2] == "HTTP/1.1"
                ? !string.Equals(connection, "close", StringComparison.OrdinalIgnoreCase)
                : string.Equals(connection, "keep-alive", StringComparison.OrdinalIgnoreCase),
        };
    }

    private async Task ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var transferEncoding = request.Header("Transfer-Encoding");
        var contentLength = request.Header("Content-Length");
        long length = 0;
        var chunked = false;
        if (transferEncoding is not null)
        {
            if (!transferEncoding.TrimEnd().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpProtocolException(501, "only the chunked transfer coding is supported");
            }

            chunked = true;
        }
        else if (contentLength is not null && (!long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out length) || length < 0))
        {
            throw new HttpProtocolException("bad Content-Length");
        }

        if (!chunked && length == 0)
        {
            return;
        }

        if (string.Equals(request.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await _stream.WriteAsync(s_continue, cancellationToken);
        }

        var body = new BodyBuffer(chunked ? null : length);
        if (chunked)
        {
            await ReadChunkedAsync(body, cancellationToken);
        }
        else
        {
            await CopyAsync(length, body, cancellationToken);
        }

        request.Body = body.ToArray();
        request.BodyLength = body.Length;
    }

    private async Task ReadChunkedAsync(BodyBuffer body, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            var extension = line.IndexOf(';', StringComparison.Ordinal);
            var size = (extension >= 0 ? line[..extension] : line).Trim();
            if (!long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var chunkLength) || chunkLength < 0)
            {
                throw new HttpProtocolException("bad chunk size");
            }

            if (chunkLength == 0)
            {
                // Trailers (ignored) up to the empty line.
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }

                return;
            }

            await CopyAsync(chunkLength, body, cancellationToken);
            if ((await ReadLineAsync(cancellationToken)).Length != 0)
            {
                throw new HttpProtocolException("chunk data longer than its size");
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, end);
                _start += end + 2;
                return line;
            }

            if (_end - _start > MaxLineLength)
            {
                throw new HttpProtocolException("line too long");
            }

            if (!await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException("the client closed the connection in the middle of a body");
            }
        }
    }

    private async Task CopyAsync(long count, BodyBuffer body, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException("the client closed the connection in the middle of a body");
            }

            var take = (int)Math.Min(count, _end - _start);
            body.Append(_buffer.AsSpan(_start, take));
            _start += take;
            count -= take;
        }
    }

    /// <summary>Reads more bytes after the buffered ones; false at end of stream.</summary>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        Compact();
        if (_end == _buffer.Length)
        {
            return true;
        }

        var count = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        _end += count;
        return count > 0;
    }

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
    }
}
