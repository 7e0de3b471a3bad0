// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Http;

namespace Nimbus.Init.Tests.Http;

/// <summary>
/// Requests read one after another on one connection: each gets its own path and headers, whether its bytes repeat the
/// previous request's (the connection gives the same strings again) or differ from them in any line.
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
        var (client, server) = Pair();
        using (client)
        using (server)
        {
            var handler = new Recorder();
            using var connection = new HttpConnection(server, handler);
            var run = connection.RunAsync(Token);
            foreach (var head in heads)
            {
                await client.SendAsync(Encoding.UTF8.GetBytes(head + "\r\n"), Token);
                await ReadAnswerAsync(client);
            }

            client.Shutdown(SocketShutdown.Both);
            await run.WaitAsync(TimeSpan.FromSeconds(10), Token);

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
    }

    private static (Socket Client, Socket Server) Pair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        return (client, listener.Accept());
    }

    private static async Task ReadAnswerAsync(Socket client)
    {
        var buffer = new byte[1024];
        var have = 0;
        while (!Encoding.ASCII.GetString(buffer, 0, have).EndsWith("\r\n\r\nok", StringComparison.Ordinal))
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(have), Token);
            Assert.True(read > 0, "the connection closed before the answer");
            have += read;
        }
    }

    private sealed class Recorder : IRequestHandler
    {
        public List<HttpRequest> Seen { get; } = [];

        public Task<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken)
        {
            Seen.Add(request);
            return Task.FromResult<HttpResponse?>(new HttpResponse(200, "ok"u8.ToArray(), "text/plain"));
        }

        public bool StreamsBody(HttpRequest request) => false;
    }
}
