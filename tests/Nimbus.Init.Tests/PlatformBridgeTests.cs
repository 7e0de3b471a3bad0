// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests;

public sealed class PlatformBridgeTests
{
    [Fact]
    public async Task Bridge_TcpConnection_ReachesThePlatformSocketBothWays()
    {
        var directory = Directory.CreateTempSubdirectory("nimbus-bridge-").FullName;
        var platformPath = Path.Combine(directory, "platform.sock");
        using var platform = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        platform.Bind(new UnixDomainSocketEndPoint(platformPath));
        platform.Listen(4);
        var port = FreePort();
        await using var host = await FakeHost.StartAsync(new Dictionary<string, string>
        {
            ["NIMBUS_PLATFORM_SOCKET"] = platformPath,
            ["NIMBUS_PLATFORM_BRIDGE"] = $"127.0.0.1:{port}",
        });
        using var timeout = FakeHost.Timeout();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        await client.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
        using var accepted = await platform.AcceptAsync(timeout.Token);
        var request = new byte[64];
        var received = await accepted.ReceiveAsync(request, SocketFlags.None, timeout.Token);
        await accepted.SendAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
        accepted.Shutdown(SocketShutdown.Send);
        var answer = new byte[64];
        var got = await client.ReceiveAsync(answer, SocketFlags.None, timeout.Token);

        Assert.Equal("GET / HTTP/1.1\r\n\r\n", Encoding.ASCII.GetString(request, 0, received));
        Assert.Equal("HTTP/1.1 200 OK\r\n\r\n", Encoding.ASCII.GetString(answer, 0, got));
        Directory.Delete(directory, recursive: true);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
