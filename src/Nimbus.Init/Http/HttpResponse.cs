// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Init.Http;

/// <summary>A response to write: status, headers, a Content-Length body.</summary>
internal sealed class HttpResponse
{
    private Action<object?>? _afterWrite;
    private object? _afterWriteState;

    /// <param name="headers">How many headers the response will have at most (its list is made that large once).</param>
    public HttpResponse(int status, ReadOnlyMemory<byte> body = default, string? contentType = null, int headers = 1)
    {
        Status = status;
        Body = body;
        Headers = new(headers);
        if (contentType is not null)
        {
            Headers.Add(new("Content-Type", contentType));
        }
    }

    public int Status { get; }

    public List<KeyValuePair<string, string>> Headers { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Close the connection after this response.</summary>
    public bool Close { get; set; }

    /// <summary>
    /// Sets what runs once the response was written (or its write failed) or held to go out with the next one
    /// (<see cref="HttpConnection.HoldsAnswers"/>), before the next request is read: a callback with its state, so that
    /// one made once can serve every response (no closure per response).
    /// </summary>
    public void AfterWrite(Action<object?> callback, object? state)
    {
        _afterWrite = callback;
        _afterWriteState = state;
    }

    /// <summary>Runs what <see cref="AfterWrite"/> set, once.</summary>
    public void Written()
    {
        var callback = _afterWrite;
        var state = _afterWriteState;
        _afterWrite = null;
        _afterWriteState = null;
        callback?.Invoke(state);
    }

    /// <summary>Bytes of the status line, headers and body.</summary>
    public int GetLength()
    {
        var length = "HTTP/1.1 000 \r\n".Length + Reason(Status).Length;
        foreach (var (name, value) in Headers)
        {
            length += Encoding.UTF8.GetByteCount(name) + 2 + Encoding.UTF8.GetByteCount(value) + 2;
        }

        length += "Content-Length: \r\n".Length + CountDigits(Body.Length);
        if (Close)
        {
            length += "Connection: close\r\n".Length;
        }

        return length + 2 + Body.Length;
    }

    /// <summary>Writes status line, headers and body (<see cref="GetLength"/> bytes) into <paramref name="destination"/>.</summary>
    public int WriteTo(Span<byte> destination)
    {
        var offset = Append(destination, 0, "HTTP/1.1 "u8);
        offset += Status.TryFormat(destination[offset..], out var written, default, CultureInfo.InvariantCulture) ? written : 0;
        destination[offset++] = (byte)' ';
        offset += Encoding.ASCII.GetBytes(Reason(Status), destination[offset..]);
        offset = Append(destination, offset, "\r\n"u8);
        foreach (var (name, value) in Headers)
        {
            offset += Encoding.UTF8.GetBytes(name, destination[offset..]);
            offset = Append(destination, offset, ": "u8);
            offset += Encoding.UTF8.GetBytes(value, destination[offset..]);
            offset = Append(destination, offset, "\r\n"u8);
        }

        offset = Append(destination, offset, "Content-Length: "u8);
        offset += Body.Length.TryFormat(destination[offset..], out written, default, CultureInfo.InvariantCulture) ? written : 0;
        offset = Append(destination, offset, "\r\n"u8);
        if (Close)
        {
            offset = Append(destination, offset, "Connection: close\r\n"u8);
        }

        offset = Append(destination, offset, "\r\n"u8);
        Body.Span.CopyTo(destination[offset..]);
        return offset + Body.Length;
    }

    private static int Append(Span<byte> destination, int offset, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[offset..]);
        return offset + bytes.Length;
    }

    private static int CountDigits(int value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "Unknown",
    };
}
