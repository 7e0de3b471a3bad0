// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests;

public sealed class PlatformBridgeTests
{
    [Fact]
    public async Task Bridge_TcpConnection_ReachesThePlatformSocketBothWays()
    {
        using var platform = new FakePlatform();
        await using var host = await FakeHost.StartAsync(platform.Environment);
        using var timeout = FakeHost.Timeout();

        using var client = await platform.ConnectAsync(timeout.Token);
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
    }
}
