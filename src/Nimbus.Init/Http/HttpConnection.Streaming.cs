// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Init.Http;

/// <summary>Bodies a handler reads itself, piece by piece as they arrive (a runtime's streamed response).</summary>
internal sealed partial class HttpConnection
{
    /// <summary>
    /// Reads the body of a request the handler took as it arrives (<see cref="HttpRequest.BodyPending"/>), handing
    /// each piece to <paramref name="sink"/> before reading on; returns the chunked body's trailer fields.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> StreamBodyAsync(
        HttpRequest request, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        if (!request.BodyPending)
        {
            throw new InvalidOperationException("the body was read already");
        }

        var (chunked, length) = Framing(request);
        var trailers = new List<KeyValuePair<string, string>>();
        if (!chunked && length == 0)
        {
            request.BodyPending = false;
            return trailers;
        }

        if (string.Equals(request.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await WriteContinueAsync(cancellationToken);
        }

        // The body goes on in pieces of at most the buffer's length: a streamed response gets a large one.
        if (_readAhead is null)
        {
            Grow(MaxHeadLength);
        }

        if (!chunked)
        {
            await CopyToAsync(length, sink, cancellationToken);
            request.BodyPending = false;
            return trailers;
        }

        while (true)
        {
            var chunkLength = ChunkSize(await ReadLineAsync(cancellationToken));
            if (chunkLength == 0)
            {
                string line;
                while ((line = await ReadLineAsync(cancellationToken)).Length > 0)
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        trailers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
                    }
                }

                request.BodyPending = false;
                return trailers;
            }

            await CopyToAsync(chunkLength, sink, cancellationToken);
            if ((await ReadLineAsync(cancellationToken)).Length != 0)
            {
                throw new HttpProtocolException("chunk data longer than its size");
            }
        }
    }

    private static (bool Chunked, long Length) Framing(HttpRequest request)
    {
        var transferEncoding = request.Header("Transfer-Encoding");
        if (transferEncoding is not null)
        {
            if (!transferEncoding.TrimEnd().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpProtocolException(501, "only the chunked transfer coding is supported");
            }

            return (true, 0);
        }

        var contentLength = request.Header("Content-Length");
        long length = 0;
        if (contentLength is not null && (!long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out length) || length < 0))
        {
            throw new HttpProtocolException("bad Content-Length");
        }

        return (false, length);
    }

    private static long ChunkSize(string line)
    {
        var extension = line.IndexOf(';', StringComparison.Ordinal);
        var size = (extension >= 0 ? line[..extension] : line).Trim();
        if (!long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var chunkLength) || chunkLength < 0)
        {
            throw new HttpProtocolException("bad chunk size");
        }

        return chunkLength;
    }

    private async Task CopyToAsync(long count, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new EndOfStreamException("the client closed the connection in the middle of a body");
            }

            var take = (int)Math.Min(count, _end - _start);
            await sink(_buffer.AsMemory(_start, take), cancellationToken);
            _start += take;
            count -= take;
        }
    }
}
