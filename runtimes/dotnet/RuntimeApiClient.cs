// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// The Lambda Runtime API (2018-06-01) over one keep-alive HTTP/1.1 connection of our own: System.Net.Http would cost
/// tens of milliseconds of JIT at every cold start, and the API is four requests with small, well-formed answers
/// (<see cref="Connection"/>: the socket itself through libc).
/// </summary>
internal sealed class RuntimeApiClient
{
    private const string Prefix = "/2018-06-01/runtime";
    private readonly string _host;
    private readonly int _port;
    private readonly string _hostHeader;
    private Connection? _socket;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>A /next went with the last result (<see cref="Send"/>): only its answer is left to read.</summary>
    private bool _nextSent;

    public RuntimeApiClient(string address)
    {
        var colon = address.LastIndexOf(':');
        _host = colon > 0 ? address[..colon].Trim('[', ']') : address;
        _port = colon > 0 ? int.Parse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture) : 80;
        _hostHeader = address;
    }

    /// <summary>GET /invocation/next: blocks until the platform has an event for this environment.</summary>
    public Invocation Next()
    {
        var asked = _nextSent && _socket is { } socket ? TryReadResponse(socket) : null;
        _nextSent = false;
        var (status, headers, body) = asked ?? Send("GET", Prefix + "/invocation/next", null, null);
        if (status != 200)
        {
            throw new IOException($"GET /next answered {status}: {Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 500))}");
        }

        return new Invocation(headers, body);
    }

    /// <summary>The result, with the next /next in the same write (<see cref="Send"/>); <see cref="Next"/> reads its answer.</summary>
    public void PostResponse(string requestId, ReadOnlySpan<byte> body) =>
        Post($"{Prefix}/invocation/{Uri.EscapeDataString(requestId)}/response", body, null, thenNext: true);

    public void PostError(string requestId, string errorType, ReadOnlySpan<byte> body) =>
        Post($"{Prefix}/invocation/{Uri.EscapeDataString(requestId)}/error", body, errorType, thenNext: true);

    public void PostInitError(string errorType, ReadOnlySpan<byte> body) => Post(Prefix + "/init/error", body, errorType);

    /// <summary>GET /restore/next (SnapStart): returns once the environment is restored, i.e. taken for use.</summary>
    public void RestoreNext()
    {
        var (status, _, body) = Send("GET", Prefix + "/restore/next", null, null);
        if (status != 200)
        {
            throw new IOException($"GET /restore/next answered {status}: {Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 500))}");
        }
    }

    public void PostRestoreError(string errorType, ReadOnlySpan<byte> body) => Post(Prefix + "/restore/error", body, errorType);

    private void Post(string path, ReadOnlySpan<byte> body, string? errorType, bool thenNext = false)
    {
        var (status, _, answer) = Send("POST", path, body.ToArray(), errorType, thenNext);
        if (status == 0)
        {
            // Lost while waiting for the next event (Send): the next /next goes on a new connection.
            return;
        }

        if (status >= 500)
        {
            throw new IOException($"POST {path} answered {status}: {Encoding.UTF8.GetString(answer, 0, Math.Min(answer.Length, 500))}");
        }

        if (status != 202)
        {
            Console.Error.WriteLine($"nimbus-runtime: POST {path} answered {status}: {Encoding.UTF8.GetString(answer, 0, Math.Min(answer.Length, 500))}");
        }
    }

    /// <summary>
    /// One request and its answer. <paramref name="thenNext"/>: GET /next goes in the same write (HTTP pipelining;
    /// Nimbus answers in order and sends the result's 202 with the next event, so the runtime wakes once per invocation).
    /// A connection lost once such a request was written is not a stale one: status 0, and the result is not sent again.
    /// </summary>
    private (int Status, Dictionary<string, string> Headers, byte[] Body) Send(string method, string path, byte[]? body, string? errorType, bool thenNext = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            var socket = _socket ??= Connect();
            var written = false;
            try
            {
                var head = new StringBuilder(256)
                    .Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: ").Append(_hostHeader).Append("\r\n");
                if (body is not null)
                {
                    head.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
                }

                if (errorType is not null)
                {
                    head.Append("Lambda-Runtime-Function-Error-Type: ").Append(HeaderSafe(errorType)).Append("\r\n");
                }

                head.Append("\r\n");
                var headBytes = Encoding.ASCII.GetBytes(head.ToString());
                var next = thenNext ? Encoding.ASCII.GetBytes($"GET {Prefix}/invocation/next HTTP/1.1\r\nHost: {_hostHeader}\r\n\r\n") : [];
                if (body is null || body.Length <= 64 * 1024)
                {
                    var whole = new byte[headBytes.Length + (body?.Length ?? 0) + next.Length];
                    headBytes.CopyTo(whole, 0);
                    body?.CopyTo(whole, headBytes.Length);
                    next.CopyTo(whole, whole.Length - next.Length);
                    SendAll(socket, whole);
                }
                else
                {
                    SendAll(socket, headBytes);
                    SendAll(socket, body);
                    SendAll(socket, next);
                }

                written = true;
                var answer = ReadResponse(socket);
                _nextSent = thenNext && _socket is not null;
                return answer;
            }
            catch (IOException) when (thenNext && written)
            {
                Drop();
                return (0, new Dictionary<string, string>(), []);
            }
            catch (IOException) when (attempt == 0)
            {
                // A keep-alive connection the agent closed: once more on a new one.
                Drop();
            }
        }
    }

    private (int Status, Dictionary<string, string> Headers, byte[] Body)? TryReadResponse(Connection socket)
    {
        try
        {
            return ReadResponse(socket);
        }
        catch (IOException)
        {
            Drop();
            return null;
        }
    }

    private static string HeaderSafe(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~')
            {
                text.Append(c);
            }
        }

        return text.Length > 0 ? text.ToString() : "Runtime.Unknown";
    }

    private Connection Connect()
    {
        var connection = Connection.Open(_host, _port);
        _start = _end = 0;
        return connection;
    }

    private void Drop()
    {
        _socket?.Dispose();
        _socket = null;
        _nextSent = false;
    }

    private static void SendAll(Connection socket, byte[] data)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += socket.Send(data, sent, data.Length - sent);
        }
    }

    private (int Status, Dictionary<string, string> Headers, byte[] Body) ReadResponse(Connection socket)
    {
        var statusLine = ReadLine(socket);
        if (!statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) || statusLine.Length < 12)
        {
            throw new IOException("malformed status line: " + statusLine);
        }

        var status = int.Parse(statusLine.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = ReadLine(socket); line.Length > 0; line = ReadLine(socket))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        byte[] body;
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var chunks = new MemoryStream();
            while (true)
            {
                var sizeLine = ReadLine(socket);
                var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
                var size = int.Parse(semicolon >= 0 ? sizeLine.AsSpan(0, semicolon) : sizeLine, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (ReadLine(socket).Length > 0)
                    {
                    }

                    break;
                }

                chunks.Write(ReadExactly(socket, size));
                ReadLine(socket);
            }

            body = chunks.ToArray();
        }
        else
        {
            var length = headers.TryGetValue("Content-Length", out var value) ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
            body = ReadExactly(socket, length);
        }

        if (headers.TryGetValue("Connection", out var connection) && connection.Equals("close", StringComparison.OrdinalIgnoreCase))
        {
            Drop();
        }

        return (status, headers, body);
    }

    private string ReadLine(Connection socket)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }

            Fill(socket);
        }
    }

    private byte[] ReadExactly(Connection socket, int count)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                Fill(socket);
            }

            var take = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }

        return result;
    }

    private void Fill(Connection socket)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = socket.Receive(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            throw new IOException("the Runtime API closed the connection");
        }

        _end += read;
    }
}
