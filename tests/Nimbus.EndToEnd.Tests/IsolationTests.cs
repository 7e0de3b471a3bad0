// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Nimbus.EndToEnd.Tests;

/// <summary>The runc sandbox against functions that try to break each limit (Scripts/isolation.py).</summary>
public sealed class IsolationTests(RuncServerFixture fixture) : IClassFixture<RuncServerFixture>
{
    [Theory]
    [InlineData("identity_and_filesystem")]
    [InlineData("tmp_is_limited")]
    [InlineData("memory_limit")]
    [InlineData("cpu_follows_memory")]
    [InlineData("tmp_is_private")]
    [InlineData("outbound_network_per_function")]
    [InlineData("runtime_api_over_a_unix_socket")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("isolation.py", name);

        Assert.True(result.ExitCode == 0, $"isolation case {name} failed: {result}\n--- server\n{server.Output}");
    }

    [Fact]
    public async Task Network_HostLoopbackIsUnreachable_PlatformIsReachable()
    {
        var (server, clients) = fixture.Require();
        using var hostService = new TcpListener(IPAddress.Loopback, 0);
        hostService.Start();
        var port = ((IPEndPoint)hostService.LocalEndpoint).Port;

        var result = await clients.Boto3Async("isolation.py", "network", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, $"network case failed: {result}\n--- server\n{server.Output}");
    }
}
