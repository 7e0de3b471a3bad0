// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Init.Http;

/// <summary>A response to write: status, headers, a Content-Length body.</summary>
internal sealed class HttpResponse
{
    public HttpResponse(int status, ReadOnlyMemory<byte> body = default, string? contentType = null)
    {
        Status = status;
        Body = body;
        if (contentType is not null)
        {
            Headers.Add(new("Content-Type", contentType));
        }
    }

    public int Status { get; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Close the connection after this response.</summary>
    public bool Close { get; set; }

    /// <summary>Status line, headers and body as one buffer (one write, so Nagle never splits them).</summary>
    public byte[] Serialize()
    {
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(Status)).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (Close)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        var headLength = Encoding.UTF8.GetByteCount(head.ToString());
        var bytes = new byte[headLength + Body.Length];
        Encoding.UTF8.GetBytes(head.ToString(), bytes);
        Body.Span.CopyTo(bytes.AsSpan(headLength));
        return bytes;
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
