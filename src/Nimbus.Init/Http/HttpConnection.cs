// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Nimbus.Init.Interop;

namespace Nimbus.Init.Http;

/// <summary>
/// One client connection: reads requests (Content-Length or chunked bodies, <c>Expect: 100-continue</c>), hands them
/// to the handler and writes the answers, keeping the connection open unless either side asks otherwise.
/// Requests are answered in order; one sent with the previous one (pipelined) is read from the buffer once the previous
/// one was answered.
/// </summary>
internal sealed partial class HttpConnection : IDisposable
{
    /// <summary>Bodies are kept up to 6 MiB + 100 bytes (Lambda's payload limit); longer ones are read and dropped.</summary>
    public const int MaxBodyLength = 6 * 1024 * 1024 + 100;

    /// <summary>The connection's own buffer (one per idle environment in the server); larger ones are rented (HttpConnection.Buffer.cs).</summary>
    private const int InitialBufferSize = 4 * 1024;

    /// <summary>The longest head (request line and headers) taken, and the buffer of a streamed body.</summary>
    private const int MaxHeadLength = 64 * 1024;

    private const int MaxLineLength = 8 * 1024;

    /// <summary>The path and the first 7 header lines' names and values are remembered (<see cref="_seen"/>).</summary>
    private const int SeenSlots = 15;

    private static readonly byte[] s_continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly IRequestHandler _handler;
    private byte[] _buffer;

    /// <summary>The connection's own small buffer (<see cref="Shrink"/>); null while the first one is a long prefix.</summary>
    private byte[]? _small;

    /// <summary><see cref="_buffer"/> is rented from the shared pool (<see cref="Grow"/>).</summary>
    private bool _rented;
    private int _start;
    private int _end;

    /// <summary>A receive started while a /next waited; the next <see cref="FillAsync"/> takes its result.</summary>
    private Task<int>? _readAhead;

    /// <summary>The read-ahead saw the end of the stream.</summary>
    private volatile bool _closed;

    /// <summary>An answer kept to go out with the next one (<see cref="HoldsAnswers"/>).</summary>
    private HttpResponse? _held;

    /// <summary>
    /// The strings of the previous requests' path and header lines, given again when the same bytes come again: a
    /// runtime asks the same /next with the same headers for every invocation (their strings were a tenth of the
    /// server's allocation per warm invoke).
    /// </summary>
    private readonly string?[] _seen = new string?[SeenSlots];

    /// <param name="prefix">Bytes read from the connection before it came here (a connection handed over), read first.</param>
    public HttpConnection(Socket socket, IRequestHandler handler, ReadOnlySpan<byte> prefix = default)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _handler = handler;

        // A handed-over request may carry a whole body (up to 6 MB): the buffer holds it.
        _buffer = new byte[Math.Max(InitialBufferSize, prefix.Length)];
        _small = prefix.Length <= InitialBufferSize ? _buffer : null;
        prefix.CopyTo(_buffer);
        _end = prefix.Length;
    }

    public Socket Socket => _socket;

    /// <summary>
    /// When the next request already came with the one answered (a runtime sends its /next with its /response), the
    /// answer waits and goes out with the next one in one write: the next answer is an event the runtime waits for
    /// anyway, and it then wakes once per invocation instead of twice. Answers stay in order; one that closes the
    /// connection is never held, and at most one is (a third request in the buffer sends both).
    /// </summary>
    public bool HoldsAnswers { get; init; }

    /// <summary>The connection went to the host (<see cref="HandOver"/>): it is neither answered nor closed here.</summary>
    public bool HandedOver { get; private set; }

    /// <summary>
    /// The handler gives the connection away: <see cref="RunAsync"/> ends without touching it again. Returns the bytes
    /// read and not yet parsed (after the current request). Only while no read is pending (not after <see cref="WatchForClose"/>) and no answer is held.
    /// </summary>
    public byte[] HandOver()
    {
        if (_readAhead is not null)
        {
            throw new InvalidOperationException("a read is pending on the connection");
        }

        if (_held is not null)
        {
            throw new InvalidOperationException("an answer is held on the connection");
        }

        HandedOver = true;
        var rest = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end = 0;
        ReturnRented();
        return rest;
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
                await WriteAsync(error, cancellationToken);
                return;
            }

            if (request is null)
            {
                return;
            }

            var response = await _handler.HandleAsync(request, this, cancellationToken);
            if (response is null || HandedOver)
            {
                return;
            }

            // A body the handler left unread would be taken for the next request: the connection ends instead.
            response.Close |= !request.KeepAlive || request.BodyPending;
            try
            {
                if (HoldsAnswers && _held is null && !response.Close && NextHeadBuffered())
                {
                    _held = response;
                }
                else
                {
                    await WriteAsync(response, cancellationToken);
                }
            }
            finally
            {
                response.Written();
            }
            if (response.Close)
            {
                return;
            }
        }
    }

    /// <summary>
    /// While the handler holds a request open (a long poll): reads ahead into the buffer, and calls
    /// <paramref name="onClosed"/> with <paramref name="state"/> if the client closes the connection. The read stays
    /// pending after the wait ends and becomes the read of the next request.
    /// </summary>
    public void WatchForClose(Action<object?> onClosed, object? state)
    {
        if (_readAhead is not null)
        {
            return;
        }

        // The connection waits here between invocations: on its small buffer.
        Shrink();
        Compact();
        if (_end == _buffer.Length)
        {
            return;
        }

        _readAhead = ReadAheadAsync(onClosed, state);
    }

    /// <summary>
    /// True when the client has closed the connection (as far as can be told now, without waiting): the read-ahead
    /// saw the end, or one recv(2) that peeks without waiting finds the end of the stream (0) or an error. A byte or
    /// nothing yet (EAGAIN) is a live connection. One call, and a read-ahead taking bytes meanwhile cannot make a live
    /// connection look closed (poll(2) then FIONREAD could: readable, then nothing left to count).
    /// </summary>
    public unsafe bool IsClosed()
    {
        if (_closed)
        {
            return true;
        }

        var handle = _socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            byte peeked;
            var result = Libc.Recv((int)handle.DangerousGetHandle(), &peeked, 1, Libc.MsgPeek | Libc.MsgDontWait);
            return result == 0 || (result < 0 && Marshal.GetLastPInvokeError() is not (Libc.EAGAIN or Libc.EINTR));
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public void Dispose()
    {
        if (!HandedOver)
        {
            _stream.Dispose();
        }

        // A receive still pending could write into a buffer given back: that one is left to the collector.
        if (_readAhead is null)
        {
            ReturnRented();
        }
    }

    /// <summary>Writes the held answer (if any) and the response with one send (so Nagle never splits it) from a pooled buffer.</summary>
    private ValueTask WriteAsync(HttpResponse response, CancellationToken cancellationToken) =>
        WriteAsync(response, default, cancellationToken);

    /// <summary><c>100 Continue</c>, after the held answer (if any), which answers an earlier request.</summary>
    private ValueTask WriteContinueAsync(CancellationToken cancellationToken) =>
        _held is null ? _stream.WriteAsync(s_continue, cancellationToken) : WriteAsync(null, s_continue, cancellationToken);

    private async ValueTask WriteAsync(HttpResponse? response, ReadOnlyMemory<byte> raw, CancellationToken cancellationToken)
    {
        var held = _held;
        _held = null;
        var length = (held?.GetLength() ?? 0) + (response?.GetLength() ?? 0) + raw.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = held?.WriteTo(buffer) ?? 0;
            written += response?.WriteTo(buffer.AsSpan(written)) ?? 0;
            raw.Span.CopyTo(buffer.AsSpan(written));
            written += raw.Length;
            await _stream.WriteAsync(buffer.AsMemory(0, written), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The whole head of another request is in the buffer already (past empty lines, as ReadRequestAsync reads).</summary>
    private bool NextHeadBuffered()
    {
        var rest = _buffer.AsSpan(_start, _end - _start);
        while (rest.StartsWith("\r\n"u8))
        {
            rest = rest[2..];
        }

        return rest.IndexOf("\r\n\r\n"u8) >= 0;
    }

    // Pooled: one request per call on a kept-alive connection, awaited once (a box per request otherwise).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpRequest?> ReadRequestAsync(CancellationToken cancellationToken)
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

            if (_end - _start >= MaxHeadLength)
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

        var request = ParseHead(_buffer.AsSpan(_start, headLength), _seen);
        _start += headLength + 4;
        if (_handler.StreamsBody(request))
        {
            request.BodyPending = true;
            return request;
        }

        await ReadBodyAsync(request, cancellationToken);
        return request;
    }

    /// <summary>
    /// Parses the request line and header lines (the head without its final empty line), from the bytes; strings equal
    /// to ones in <paramref name="seen"/> are taken from there (slot 0 the path, 1 + 2i and 2 + 2i header i's name and
    /// value) and new ones put in.
    /// </summary>
    private static HttpRequest ParseHead(ReadOnlySpan<byte> head, string?[] seen)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = lineEnd >= 0 ? head[..lineEnd] : head;
        var rest = lineEnd >= 0 ? head[(lineEnd + 2)..] : [];
        var space1 = requestLine.IndexOf((byte)' ');
        var space2 = space1 < 0 ? -1 : requestLine[(space1 + 1)..].IndexOf((byte)' ');
        if (space1 <= 0 || space2 <= 0)
        {
            throw new HttpProtocolException("malformed request line");
        }

        space2 += space1 + 1;
        var methodBytes = requestLine[..space1];
        var target = requestLine[(space1 + 1)..space2];
        var version = requestLine[(space2 + 1)..];
        if (version.Contains((byte)' ') || !version.StartsWith("HTTP/1."u8))
        {
            throw new HttpProtocolException("malformed request line");
        }

        var headers = new List<KeyValuePair<string, string>>(8);
        string? connection = null;
        while (lineEnd >= 0)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd >= 0 ? rest[..lineEnd] : rest;
            rest = lineEnd >= 0 ? rest[(lineEnd + 2)..] : [];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].ContainsAny((byte)' ', (byte)'\t'))
            {
                throw new HttpProtocolException("malformed header line");
            }

            // Header values are UTF-8 on the wire in practice.
            var slot = 1 + (2 * headers.Count);
            var name = Reuse(seen, slot, line[..colon], Encoding.Latin1);
            var value = Reuse(seen, slot + 1, line[(colon + 1)..].Trim(" \t"u8), Encoding.UTF8);
            headers.Add(new(name, value));
            if (connection is null && string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase))
            {
                connection = value;
            }
        }

        var query = target.IndexOf((byte)'?');
        var path = query >= 0 ? target[..query] : target;
        return new HttpRequest
        {
            Method = methodBytes.SequenceEqual("GET"u8) ? "GET" : methodBytes.SequenceEqual("POST"u8) ? "POST" : Encoding.Latin1.GetString(methodBytes),
            Path = Reuse(seen, 0, path, Encoding.Latin1),
            Headers = headers,
            KeepAlive = version.SequenceEqual("HTTP/1.1"u8)
                ? !string.Equals(connection, "close", StringComparison.OrdinalIgnoreCase)
                : string.Equals(connection, "keep-alive", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>
    /// The string of <paramref name="bytes"/>: the one in <paramref name="slot"/> of <paramref name="seen"/> when it
    /// has the same (ASCII) characters, else a new one, kept there for the next request.
    /// </summary>
    private static string Reuse(string?[] seen, int slot, ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        if (slot >= seen.Length)
        {
            return encoding.GetString(bytes);
        }

        var known = seen[slot];
        if (known is not null && Ascii.Equals(bytes, known))
        {
            return known;
        }

        var text = encoding.GetString(bytes);
        seen[slot] = text;
        return text;
    }

    private async Task<int> ReadAheadAsync(Action<object?> onClosed, object? state)
    {
        int count;
        try
        {
            count = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            count = 0;
        }

        if (count == 0)
        {
            _closed = true;
            onClosed(state);
        }

        return count;
    }
}
