// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Nimbus.Core.Access.Signing;
using Nimbus.TestKit;

namespace Nimbus.Bench;

/// <summary>
/// A client as `wrk` is one: one keep-alive connection, blocking writes and reads on a thread of its own, each
/// request's bytes made (and SigV4-signed, as an SDK signs) before its clock starts; no awaits, so no hand-over between
/// threads of its own. HttpClient's p50 moves between blocks of one run in ~11 µs steps (the echo's 0.018, 0.022, 0.033,
/// 0.044 ms, 2026-12-05); this client's invokes moved less in the same runs, while the echo, whose Kestrel shares this
/// process, kept its steps with either client (docs/internals/invoke-path.md, "Idle vCPUs on a virtual machine").
/// Responses must carry Content-Length; anything else is an exception.
/// </summary>
internal sealed class SteadyClient : IDisposable
{
    private readonly Socket _socket;
    private readonly string _host;
    private readonly bool _sign;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private SteadyClient(Socket socket, string host, bool sign)
    {
        _socket = socket;
        _host = host;
        _sign = sign;
    }

    public static SteadyClient Connect(Uri baseAddress, bool sign)
    {
        // The HttpClients' timeout: a server that stops answering ends the rounds with an error, not a hang.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 60_000, SendTimeout = 60_000 };
        socket.Connect(baseAddress.Host, baseAddress.Port);
        return new SteadyClient(socket, baseAddress.Authority, sign);
    }

    /// <summary>
    /// <paramref name="warmUp"/> unmeasured requests (and for <paramref name="warmUpTime"/> at least), then
    /// <paramref name="count"/> timed one after another, on a dedicated thread.
    /// </summary>
    public Task<LatencySample> SequentialAsync(Uri path, byte[] payload, int warmUp, int count, CancellationToken cancellationToken, TimeSpan warmUpTime = default) =>
        Task.Factory.StartNew(
            () => Sequential(path.OriginalString, payload, warmUp, count, warmUpTime, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    public void Dispose() => _socket.Dispose();

    private LatencySample Sequential(string path, byte[] payload, int warmUp, int count, TimeSpan warmUpTime, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < warmUp || Stopwatch.GetElapsedTime(started) < warmUpTime; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Send(Request(path, payload));
        }

        var recorder = new LatencyRecorder(count);
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = Request(path, payload);
            var start = Stopwatch.GetTimestamp();
            var ok = Send(request);
            recorder.Add(ok, start, Stopwatch.GetTimestamp());
        }

        return recorder.ToSample();
    }

    private byte[] Request(string path, byte[] payload)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: {_host}\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\n");
        if (_sign)
        {
            var timestamp = DateTime.UtcNow.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);
            var authorization = SigV4Signer.Authorization(
                new RawRequest("POST", path, "", _host, timestamp), "host;x-amz-date", AwsClients.AccessKeyId, AwsClients.SecretAccessKey,
                "us-east-1", "lambda", timestamp, Convert.ToHexStringLower(SHA256.HashData(payload)));
            head.Append(CultureInfo.InvariantCulture, $"{SigV4.DateHeader}: {timestamp}\r\nAuthorization: {authorization}\r\n");
        }

        return [.. Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), .. payload];
    }

    /// <summary>Writes the request and reads its response whole; true for a 200 without X-Amz-Function-Error.</summary>
    private bool Send(byte[] request)
    {
        _socket.Send(request);
        var length = 0;
        int end;
        while ((end = _buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            length += Receive(length);
        }

        var head = Encoding.ASCII.GetString(_buffer, 0, end);
        var contentLength = -1;
        var functionError = false;
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? "" : line[..colon].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(line[(colon + 1)..], CultureInfo.InvariantCulture);
            }
            else if (name.Equals("X-Amz-Function-Error", StringComparison.OrdinalIgnoreCase))
            {
                functionError = true;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("SteadyClient reads Content-Length bodies only: " + line);
            }
        }

        if (contentLength < 0)
        {
            throw new InvalidOperationException("SteadyClient: a response without Content-Length: " + head);
        }

        var total = end + 4 + contentLength;
        while (length < total)
        {
            length += Receive(length);
        }

        if (length != total)
        {
            throw new InvalidOperationException("SteadyClient: bytes past the response (it sends one request at a time)");
        }

        return head.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal) && !functionError;
    }

    private int Receive(int offset)
    {
        if (offset == _buffer.Length)
        {
            throw new InvalidOperationException("SteadyClient: a response over 64 KiB");
        }

        var received = _socket.Receive(_buffer, offset, _buffer.Length - offset, SocketFlags.None);
        return received > 0 ? received : throw new IOException("the server closed the connection");
    }
}
