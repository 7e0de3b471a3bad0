// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Nimbus.Init.Tests.Support;

/// <summary>An HTTP/1.1 client on a raw socket, so tests control framing byte for byte (chunked, Expect, keep-alive).</summary>
internal sealed class RawHttpClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _buffer = [];

    private RawHttpClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttpClient> ConnectAsync(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        var client = new TcpClient { NoDelay = true };
        using var timeout = FakeHost.Timeout();
        await client.ConnectAsync(hostPort[..colon], int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture), timeout.Token);
        return new RawHttpClient(client);
    }

    /// <summary>Sends a request with a Content-Length body (or none) and reads the answer.</summary>
    public async Task<RawHttpResponse> RequestAsync(string method, string path, byte[]? body = null, params string[] headers)
    {
        await SendHeadAsync(method, path, [.. headers, .. body is null ? Array.Empty<string>() : [$"Content-Length: {body.Length}"]]);
        if (body is not null)
        {
            await WriteAsync(body);
        }

        return await ReadResponseAsync();
    }

    public Task<RawHttpResponse> RequestAsync(string method, string path, string body, params string[] headers) =>
        RequestAsync(method, path, Encoding.UTF8.GetBytes(body), headers);

    public Task SendHeadAsync(string method, string path, params string[] headers)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("\r\n");
        return WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    public async Task WriteAsync(byte[] bytes)
    {
        using var timeout = FakeHost.Timeout();
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    public Task WriteAsync(string text) => WriteAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads one response (status line, headers, Content-Length body; a 1xx has no body).</summary>
    public async Task<RawHttpResponse> ReadResponseAsync()
    {
        var head = Encoding.ASCII.GetString(await ReadUntilAsync("\r\n\r\n"u8.ToArray()));
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var length = status < 200 ? 0 : int.Parse(headers.GetValueOrDefault("Content-Length", "0"), CultureInfo.InvariantCulture);
        return new RawHttpResponse(status, headers, await ReadExactlyAsync(length));
    }

    /// <summary>True when the server closed the connection (reads end of stream).</summary>
    public async Task<bool> ReadsEndOfStreamAsync()
    {
        if (_buffer.Count > 0)
        {
            return false;
        }

        using var timeout = FakeHost.Timeout();
        var one = new byte[1];
        try
        {
            return await _stream.ReadAsync(one, timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<byte[]> ReadUntilAsync(byte[] terminator)
    {
        while (true)
        {
            var index = _buffer.ToArray().AsSpan().IndexOf(terminator);
            if (index >= 0)
            {
                var result = _buffer.GetRange(0, index + terminator.Length).ToArray();
                _buffer.RemoveRange(0, index + terminator.Length);
                return result;
            }

            await FillAsync();
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        while (_buffer.Count < count)
        {
            await FillAsync();
        }

        var result = _buffer.GetRange(0, count).ToArray();
        _buffer.RemoveRange(0, count);
        return result;
    }

    private async Task FillAsync()
    {
        using var timeout = FakeHost.Timeout();
        var chunk = new byte[16 * 1024];
        var read = await _stream.ReadAsync(chunk, timeout.Token);
        if (read == 0)
        {
            throw new EndOfStreamException("the server closed the connection");
        }

        _buffer.AddRange(chunk.AsSpan(0, read));
    }
}
