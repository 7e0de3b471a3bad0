// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using System.Text;

namespace Nimbus.Init.Http;

/// <summary>Bodies read whole (with a length or chunked) and the lines of chunked framing.</summary>
internal sealed partial class HttpConnection
{
    private async Task ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (chunked, length) = Framing(request);
        if (!chunked && length == 0)
        {
            return;
        }

        if (string.Equals(request.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await WriteContinueAsync(cancellationToken);
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
            var chunkLength = ChunkSize(await ReadLineAsync(cancellationToken));
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
            if (_start == _end && _readAhead is null && body.Free(count) is { Length: >= InitialBufferSize } free)
            {
                // What is left of a long body goes from the socket into the body's array, not through the buffer.
                var received = await _socket.ReceiveAsync(free, SocketFlags.None, cancellationToken);
                if (received == 0)
                {
                    throw new EndOfStreamException("the client closed the connection in the middle of a body");
                }

                body.Advance(received);
                count -= received;
                continue;
            }

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
}
