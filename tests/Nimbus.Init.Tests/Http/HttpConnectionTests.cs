// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Http;
using Nimbus.TestKit;

namespace Nimbus.Init.Tests.Http;

/// <summary>
/// Requests read one after another on one connection: each gets its own path and headers, whether its bytes repeat the
/// previous request's (the connection gives the same strings again) or differ from them in any line; heads longer
/// than the connection's first buffer, bodies of every length in any pieces (with a length, chunked, streamed).
/// </summary>
public sealed class HttpConnectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_RequestsRepeatingAndChangingLines_EachSeesItsOwnPathAndHeaders()
    {
        string[] heads =
        [
            "GET /next HTTP/1.1\r\nHost: a:1\r\nUser-Agent: x\r\n",
            "GET /next HTTP/1.1\r\nHost: a:1\r\nUser-Agent: x\r\n",
            "GET /next HTTP/1.1\r\nHost: a:2\r\nUser-Agent: x\r\n",
            "POST /id-1/response HTTP/1.1\r\nHost: a:2\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n",
            "POST /id-2/response HTTP/1.1\r\nHost: a:2\r\ncontent-type: text/plain\r\nContent-Length: 0\r\n",
            "GET /next HTTP/1.1\r\nHost: ä:2\r\nUser-Agent: ü\r\n",
            "GET /next HTTP/1.1\r\nHost: ä:2\r\nUser-Agent: ü\r\n",
            "GET /next HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 9).Select(i => $"H{i}: v{i}\r\n")),
            "GET /next HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 9).Select(i => $"H{i}: w{i}\r\n")),
            "GET /next HTTP/1.1\r\nHost: a:1\r\n",
        ];
        using var served = new Served(new Recorder());
        var (client, handler) = (served.Client, served.Handler);
        foreach (var head in heads)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(head + "\r\n"), Token);
            await ReadAnswersAsync(client, 1);
        }

        await served.CloseAsync();

        Assert.Equal(heads.Length, handler.Seen.Count);
        for (var i = 0; i < heads.Length; i++)
        {
            var lines = heads[i].Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lines[0].Split(' ')[1], handler.Seen[i].Path);
            Assert.Equal(
                lines[1..].Select(l => l.Split(": ", 2)).Select(p => (p[0], p[1])),
                handler.Seen[i].Headers.Select(h => (h.Key, h.Value)));
        }

        // The same bytes again give the same strings; a value that changed does not.
        Assert.Same(handler.Seen[0].Path, handler.Seen[1].Path);
        Assert.Same(handler.Seen[0].Headers[0].Value, handler.Seen[1].Headers[0].Value);
        Assert.NotSame(handler.Seen[1].Headers[0].Value, handler.Seen[2].Headers[0].Value);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3 * 1024, 7)]
    [InlineData(4 * 1024, 1024)]
    [InlineData(1024 * 1024 + 3, 1000)]
    [InlineData(6 * 1024 * 1024, 65536)]
    public async Task RunAsync_BodyWithLength_ArrivesWholeWhateverThePieces(int length, int piece)
    {
        var body = Body(length);
        var requests = new[] { "POST /a HTTP/1.1\r\nContent-Length: " + length + "\r\n\r\n", "GET /b HTTP/1.1\r\n\r\n" };
        var seen = await ExchangeAsync(client => SendInPiecesAsync(client, [.. Encoding.ASCII.GetBytes(requests[0]), .. body, .. Encoding.ASCII.GetBytes(requests[1])], piece), answers: 2);

        Assert.Equal(["/a", "/b"], seen.Select(r => r.Path));
        Assert.Equal(body, seen[0].Body);
        Assert.Equal(length, seen[0].BodyLength);
    }

    [Theory]
    [InlineData(20_000, 10, 1)]
    [InlineData(250_000, 5000, 333)]
    [InlineData(250_000, 100_000, 4096)]
    public async Task RunAsync_ChunkedBody_ArrivesWhole(int length, int chunk, int piece)
    {
        var body = Body(length);
        var wire = new List<byte>(Encoding.ASCII.GetBytes("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        for (var at = 0; at < body.Length; at += chunk)
        {
            var part = body.AsSpan(at, Math.Min(chunk, body.Length - at));
            wire.AddRange(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"));
            wire.AddRange(part);
            wire.AddRange("\r\n"u8);
        }

        wire.AddRange("0\r\n\r\n"u8);
        var seen = await ExchangeAsync(client => SendInPiecesAsync(client, [.. wire], piece), answers: 1);

        Assert.Equal(body, seen[0].Body);
    }

    [Fact]
    public async Task RunAsync_HeadLongerThanTheFirstBuffer_IsRead()
    {
        var headers = string.Concat(Enumerable.Range(0, 500).Select(i => $"X-Header-{i}: {new string((char)('a' + (i % 26)), 80)}\r\n"));
        var seen = await ExchangeAsync(client => SendInPiecesAsync(client, Encoding.ASCII.GetBytes("GET /long HTTP/1.1\r\n" + headers + "\r\n"), 1500), answers: 1);

        Assert.Equal("/long", seen[0].Path);
        Assert.Equal(500, seen[0].Headers.Count);
        Assert.Equal(new string('f', 80), seen[0].Header("X-Header-499"));
    }

    [Fact]
    public async Task RunAsync_HeadOver64KiB_Gets431AndTheConnectionEnds()
    {
        using var served = new Served(new Recorder());
        var (client, handler) = (served.Client, served.Handler);
        var headers = string.Concat(Enumerable.Range(0, 800).Select(i => $"X-Header-{i}: {new string('v', 80)}\r\n"));
        await client.SendAsync(Encoding.ASCII.GetBytes("GET /long HTTP/1.1\r\n" + headers + "\r\n"), Token);
        await served.EndedAsync();

        var answer = await ReadToEndAsync(client);
        Assert.StartsWith("HTTP/1.1 431 ", answer, StringComparison.Ordinal);
        Assert.Empty(handler.Seen);
    }

    [Fact]
    public async Task StreamBodyAsync_LongBody_ComesInPiecesAndWhole()
    {
        var body = Body(300_000);
        using var served = new Served(new Recorder { Streams = true });
        var (client, handler) = (served.Client, served.Handler);
        await SendInPiecesAsync(client, [.. Encoding.ASCII.GetBytes("POST /s HTTP/1.1\r\nContent-Length: 300000\r\n\r\n"), .. body], 70_000);
        await ReadAnswersAsync(client, 1);
        await served.CloseAsync();

        Assert.Equal(body, handler.Streamed.ToArray());
        Assert.True(handler.LargestPiece > 4096, $"pieces of at most {handler.LargestPiece} bytes: the buffer stayed small");
    }

    [Fact]
    public async Task RunAsync_WaitThenLongRequests_ReadAheadAndBuffersKeepEveryByte()
    {
        var body = Body(200_000);
        var headers = string.Concat(Enumerable.Range(0, 120).Select(i => $"X-Header-{i}: {new string('h', 80)}\r\n"));
        using var served = new Served(new Recorder());
        var (client, handler) = (served.Client, served.Handler);

        // A waiting request reads ahead while it waits (a /next); what arrives meanwhile is the next request's start.
        // The next request's first bytes come with the waiting one (read with it, in a buffer grown by the round
        // before), the rest while it waits.
        byte[] next = [.. Encoding.ASCII.GetBytes($"POST /a HTTP/1.1\r\n{headers}Content-Length: {body.Length}\r\n\r\n"), .. body];
        for (var round = 0; round < 2; round++)
        {
            await client.SendAsync((byte[])[.. "GET /wait HTTP/1.1\r\n\r\n"u8, .. next.AsSpan(0, 3000)], Token);
            await handler.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
            await SendInPiecesAsync(client, next[3000..], 3000);
            await Task.Delay(50, Token);
            handler.Release();
            await ReadAnswersAsync(client, 2);
        }

        await served.CloseAsync();

        Assert.Equal(["/wait", "/a", "/wait", "/a"], handler.Seen.Select(r => r.Path));
        Assert.Equal(body, handler.Seen[1].Body);
        Assert.Equal(body, handler.Seen[3].Body);
        Assert.Equal(121, handler.Seen[3].Headers.Count);
    }

    [Fact]
    public async Task RunAsync_HoldsAnswers_PipelinedAnswerGoesOutWithTheNextOne()
    {
        using var served = new Served(new Recorder(), holdsAnswers: true);
        var (client, handler) = (served.Client, served.Handler);

        // A runtime's result with its next /next in one write: the 202 waits for the event.
        await client.SendAsync("POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET /wait HTTP/1.1\r\n\r\n"u8.ToArray(), Token);
        await handler.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(0, client.Available);
        handler.Release();
        var answers = await ReadAnswersAsync(client, 2);

        Assert.True(answers.IndexOf("X-Path: /a", StringComparison.Ordinal) < answers.IndexOf("X-Path: /wait", StringComparison.Ordinal), answers);
        await served.CloseAsync();
        Assert.Equal(["/a", "/wait"], handler.Seen.Select(r => r.Path));
    }

    [Fact]
    public async Task RunAsync_HoldsAnswers_ThreePipelined_AllAnswersInOrder()
    {
        // At most one answer is held: the second one sends both, the third waits with /wait.
        using var served = new Served(new Recorder(), holdsAnswers: true);
        var (client, handler) = (served.Client, served.Handler);

        await client.SendAsync("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET /wait HTTP/1.1\r\n\r\n"u8.ToArray(), Token);
        await handler.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        var first = await ReadAnswersAsync(client, 2);
        handler.Release();
        var answers = first + await ReadAnswersAsync(client, 1);

        var a = answers.IndexOf("X-Path: /a", StringComparison.Ordinal);
        var b = answers.IndexOf("X-Path: /b", StringComparison.Ordinal);
        var wait = answers.IndexOf("X-Path: /wait", StringComparison.Ordinal);
        Assert.True(a >= 0 && a < b && b < wait, answers);
        await served.CloseAsync();
    }

    [Fact]
    public async Task RunAsync_WithoutHoldingAnswers_PipelinedAnswerGoesOutAtOnce()
    {
        using var served = new Served(new Recorder());
        var (client, handler) = (served.Client, served.Handler);

        await client.SendAsync("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET /wait HTTP/1.1\r\n\r\n"u8.ToArray(), Token);
        await handler.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Contains("X-Path: /a", await ReadAnswersAsync(client, 1), StringComparison.Ordinal);
        handler.Release();
        Assert.Contains("X-Path: /wait", await ReadAnswersAsync(client, 1), StringComparison.Ordinal);
        await served.CloseAsync();
    }

    [Theory]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n\r\n\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET /wait HTTP/1.1\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\nGET /wait HTTP/1.1\r\n\r\n")]
    public async Task RunAsync_HoldsAnswers_NothingWholeAfterItOrClosing_AnsweredAtOnce(string sent)
    {
        // Held only when a whole next request is there: empty lines or half a head could wait for ever.
        using var served = new Served(new Recorder(), holdsAnswers: true);

        await served.Client.SendAsync(Encoding.ASCII.GetBytes(sent), Token);

        Assert.Contains("X-Path: /a", await ReadAnswersAsync(served.Client, 1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HoldsAnswers_HeldAnswerGoesBeforeTheNextRequestsContinue()
    {
        using var served = new Served(new Recorder(), holdsAnswers: true);
        var client = served.Client;

        await client.SendAsync("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\nPOST /b HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"u8.ToArray(), Token);
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("100 Continue", StringComparison.Ordinal))
        {
            var read = await client.ReceiveAsync(buffer, Token).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Token);
            Assert.True(read > 0, "the connection closed before 100 Continue");
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", received.ToString(), StringComparison.Ordinal);
        Assert.Contains("X-Path: /a", received.ToString(), StringComparison.Ordinal);
        await client.SendAsync("hello"u8.ToArray(), Token);
        Assert.Contains("X-Path: /b", await ReadAnswersAsync(client, 1), StringComparison.Ordinal);
        await served.CloseAsync();
        Assert.Equal("hello"u8.ToArray(), served.Handler.Seen[1].Body);
    }

    private static byte[] Body(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        return body;
    }

    /// <summary>Sends what <paramref name="send"/> sends on a fresh connection, reads <paramref name="answers"/> answers, and returns the requests the handler saw.</summary>
    private static async Task<List<HttpRequest>> ExchangeAsync(Func<Socket, Task> send, int answers)
    {
        using var served = new Served(new Recorder());
        var (client, handler) = (served.Client, served.Handler);
        var sending = send(client);
        await ReadAnswersAsync(client, answers);
        await sending.WaitAsync(TimeSpan.FromSeconds(30), Token);
        await served.CloseAsync();
        return handler.Seen;
    }

    /// <summary>Reads until <paramref name="answers"/> answers came and returns them; fails (not hangs) when they do not come in 30 s.</summary>
    private static async Task<string> ReadAnswersAsync(Socket client, int answers)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (CountAnswers(received.ToString()) < answers)
        {
            var read = await client.ReceiveAsync(buffer, Token).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Token);
            Assert.True(read > 0, "the connection closed before the answers");
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    private static int CountAnswers(string received)
    {
        var count = 0;
        for (var at = received.IndexOf("\r\n\r\nok", StringComparison.Ordinal); at >= 0; at = received.IndexOf("\r\n\r\nok", at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Theory]
    [InlineData("nothing", false)]
    [InlineData("bytes", false)]
    [InlineData("shutdown", true)]
    [InlineData("bytes then shutdown", false)] // what it sent is still there to read
    [InlineData("reset", true)]
    [InlineData("socket disposed", true)]
    public async Task IsClosed_WhatThePeerDid_AsFarAsCanBeToldWithoutWaiting(string peer, bool closed)
    {
        var (client, server) = Served.Pair();
        using var ownClient = client;
        using var connection = new HttpConnection(server, new Recorder());
        if (peer.StartsWith("bytes", StringComparison.Ordinal))
        {
            await client.SendAsync("GET /"u8.ToArray(), Token);
        }

        if (peer.EndsWith("shutdown", StringComparison.Ordinal))
        {
            client.Shutdown(SocketShutdown.Send);
        }

        if (peer == "reset")
        {
            client.LingerState = new LingerOption(true, 0);
            client.Close();
        }

        if (peer == "socket disposed")
        {
            server.Dispose();
        }

        // The peer's end reaches this side within moments on loopback; the fail-safe only keeps a broken build from hanging.
        await Polling.UntilAsync(() => connection.IsClosed() == closed, Token);
        Assert.Equal(closed, connection.IsClosed());
    }

    [Fact]
    public async Task IsClosed_WhileAWaitReadsAhead_LiveUntilThePeerEnds()
    {
        using var served = new Served(new Recorder());
        var (client, handler) = (served.Client, served.Handler);
        await client.SendAsync("GET /wait HTTP/1.1\r\n\r\n"u8.ToArray(), Token);
        await handler.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.False(served.Connection.IsClosed());

        // Bytes the read-ahead takes (the next request's start) leave the connection live, before and after it took them.
        await client.SendAsync("G"u8.ToArray(), Token);
        Assert.False(served.Connection.IsClosed());
        await Task.Delay(50, Token);
        Assert.False(served.Connection.IsClosed());

        // Then the end of the stream, after them: closed (the read-ahead is done and no longer reading: the peek sees it).
        client.Shutdown(SocketShutdown.Send);
        await Polling.UntilAsync(served.Connection.IsClosed, Token);
        Assert.True(served.Connection.IsClosed());
        handler.Release();
    }

    private static async Task SendInPiecesAsync(Socket client, byte[] bytes, int piece)
    {
        for (var at = 0; at < bytes.Length; at += piece)
        {
            await client.SendAsync(bytes.AsMemory(at, Math.Min(piece, bytes.Length - at)), Token);
        }
    }

    private static async Task<string> ReadToEndAsync(Socket client)
    {
        var answer = new StringBuilder();
        var buffer = new byte[1024];
        int read;
        while ((read = await client.ReceiveAsync(buffer, Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    /// <summary>An <see cref="HttpConnection"/> serving one end of a loopback connection; the test has the other.</summary>
    private sealed class Served : IDisposable
    {
        private readonly Socket _server;
        private readonly HttpConnection _connection;
        private readonly Task _run;

        public Served(Recorder handler, bool holdsAnswers = false)
        {
            (Client, _server) = Pair();
            Handler = handler;
            _connection = new HttpConnection(_server, handler) { HoldsAnswers = holdsAnswers };
            _run = _connection.RunAsync(Token);
        }

        public Socket Client { get; }

        public Recorder Handler { get; }

        public HttpConnection Connection => _connection;

        /// <summary>The client closes the connection; the connection's run ends.</summary>
        public async Task CloseAsync()
        {
            Client.Shutdown(SocketShutdown.Both);
            await _run.WaitAsync(TimeSpan.FromSeconds(10), Token);
        }

        /// <summary>The connection's run ended by itself; its end is shut so that the client reads to the end.</summary>
        public async Task EndedAsync()
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(10), Token);
            _server.Shutdown(SocketShutdown.Both);
        }

        public void Dispose()
        {
            _connection.Dispose();
            _server.Dispose();
            Client.Dispose();
        }

        /// <summary>Both ends of a new loopback TCP connection.</summary>
        public static (Socket Client, Socket Server) Pair()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            return (client, listener.Accept());
        }
    }

    private sealed class Recorder : IRequestHandler
    {
        public List<HttpRequest> Seen { get; } = [];

        /// <summary>Takes bodies as they arrive (<see cref="HttpConnection.StreamBodyAsync"/>) into <see cref="Streamed"/>.</summary>
        public bool Streams { get; init; }

        public MemoryStream Streamed { get; } = new();

        public int LargestPiece { get; private set; }

        /// <summary>Set when a <c>/wait</c> request waits (watching for a close, as a <c>/next</c> does) until <see cref="Release"/>.</summary>
        public TaskCompletionSource Waiting { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release()
        {
            Waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _release.SetResult();
        }

        public async ValueTask<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken)
        {
            Seen.Add(request);
            if (request.Path == "/wait")
            {
                connection.WatchForClose(static _ => { }, null);
                Waiting.SetResult();
                await _release.Task;
                _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (Streams)
            {
                await connection.StreamBodyAsync(
                    request,
                    (piece, _) =>
                    {
                        LargestPiece = Math.Max(LargestPiece, piece.Length);
                        Streamed.Write(piece.Span);
                        return ValueTask.CompletedTask;
                    },
                    cancellationToken);
            }

            var answer = new HttpResponse(200, "ok"u8.ToArray(), "text/plain");
            answer.Headers.Add(new("X-Path", request.Path));
            return answer;
        }

        public bool StreamsBody(HttpRequest request) => Streams;
    }
}
