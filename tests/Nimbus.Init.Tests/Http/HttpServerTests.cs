// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Http;

namespace Nimbus.Init.Tests.Http;

/// <summary>The Runtime API's listeners: its TCP address and, for Nimbus's own runtime clients, an abstract Unix socket.</summary>
public sealed class HttpServerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_WithAnAbstractName_AnswersOnTheUnixSocketAndOnTcp()
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"nimbus-test-{Guid.NewGuid():N}-");
        using var server = new HttpServer(new IPEndPoint(IPAddress.Loopback, 0), new Answer(), prefix);
        var name = prefix + server.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var running = server.RunAsync(stop.Token);

        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await unix.ConnectAsync(new UnixDomainSocketEndPoint("\0" + name), Token);
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await tcp.ConnectAsync(server.LocalEndPoint, Token);

        Assert.Equal(name, server.AbstractName);
        Assert.StartsWith("HTTP/1.1 200", await AskAsync(unix), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", await AskAsync(tcp), StringComparison.Ordinal);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10), Token);
    }

    [Fact]
    public void Constructor_AbstractNameTaken_ServesTcpOnly()
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"nimbus-test-{Guid.NewGuid():N}-");
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
        tcp.Dispose();
        using var taken = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        taken.Bind(new UnixDomainSocketEndPoint("\0" + prefix + port.ToString(CultureInfo.InvariantCulture)));

        using var server = new HttpServer(new IPEndPoint(IPAddress.Loopback, port), new Answer(), prefix);

        Assert.Null(server.AbstractName);
    }

    private static async Task<string> AskAsync(Socket socket)
    {
        await socket.SendAsync("GET /which HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), Token);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (!answer.ToString().EndsWith("\r\n\r\nok", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, Token).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Token);
            Assert.True(read > 0, $"the connection closed before the answer was complete: {answer}");
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    private sealed class Answer : IRequestHandler
    {
        public ValueTask<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken) =>
            ValueTask.FromResult<HttpResponse?>(new HttpResponse(200, "ok"u8.ToArray(), "text/plain"));

        public bool StreamsBody(HttpRequest request) => false;
    }
}
