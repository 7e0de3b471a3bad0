// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Nimbus.Init.Tests.Support;

/// <summary>
/// The platform's Unix socket as the server offers it (a listener in a temporary directory) and a free loopback
/// address for nimbus-init's bridge to it: <see cref="Environment"/> names both to nimbus-init.
/// </summary>
internal sealed class FakePlatform : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nimbus-platform-").FullName;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public FakePlatform()
    {
        var path = Path.Combine(_directory, "platform.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(4);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Bridge = (IPEndPoint)probe.LocalEndPoint!;
        Environment = new Dictionary<string, string> { ["NIMBUS_PLATFORM_SOCKET"] = path, ["NIMBUS_PLATFORM_BRIDGE"] = Bridge.ToString() };
    }

    /// <summary>The bridge's address (AWS_ENDPOINT_URL's in a sandbox), free when this was made.</summary>
    public IPEndPoint Bridge { get; }

    /// <summary>NIMBUS_PLATFORM_SOCKET and NIMBUS_PLATFORM_BRIDGE for nimbus-init; more may be added.</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>A connection to the bridge, connected.</summary>
    public async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(Bridge, cancellationToken);
        return client;
    }

    /// <summary>The platform's end of the next connection the bridge pipes to it.</summary>
    public Task<Socket> AcceptAsync(CancellationToken cancellationToken) => _listener.AcceptAsync(cancellationToken).AsTask();

    public void Dispose()
    {
        _listener.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
