// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;

namespace Nimbus.Init;

/// <summary>Entry point: reads NIMBUS_INIT_SOCKET and NIMBUS_RUNTIME_API and runs the agent.</summary>
internal static class Program
{
    private const string DefaultRuntimeApi = "127.0.0.1:9001";

    public static async Task<int> Main()
    {
        // Before the first socket exists (the engine reads these once): run socket completions on the one epoll thread
        // instead of hopping to the thread pool, so a read on one socket leads straight to the write on the other.
        // Every continuation here is short and never blocks; nimbus-init's environment is not passed to the runtime.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", "1");

        // Before anything else is opened or started (a SnapStart container under runc; a no-op elsewhere).
        Restore.JoinedContainer.LockDownIfJoined();

        var socketPath = Environment.GetEnvironmentVariable("NIMBUS_INIT_SOCKET");
        if (string.IsNullOrEmpty(socketPath))
        {
            await Console.Error.WriteLineAsync("nimbus-init: NIMBUS_INIT_SOCKET is not set");
            return 2;
        }

        var address = Environment.GetEnvironmentVariable("NIMBUS_RUNTIME_API") is { Length: > 0 } value ? value : DefaultRuntimeApi;
        if (!TryParseEndPoint(address, out var endPoint))
        {
            await Console.Error.WriteLineAsync($"nimbus-init: NIMBUS_RUNTIME_API is not host:port: {address}");
            return 2;
        }

        // In a sandbox with its own network, AWS_ENDPOINT_URL points at this bridge to Nimbus's API socket.
        using var bridge = StartBridge();
        using var agent = new InitAgent(socketPath, endPoint, bridge);
        return await agent.RunAsync();
    }

    private static Bridge.PlatformBridge? StartBridge()
    {
        var platformSocket = Environment.GetEnvironmentVariable("NIMBUS_PLATFORM_SOCKET");
        var address = Environment.GetEnvironmentVariable("NIMBUS_PLATFORM_BRIDGE");
        if (string.IsNullOrEmpty(platformSocket) || string.IsNullOrEmpty(address) || !TryParseEndPoint(address, out var endPoint))
        {
            return null;
        }

        try
        {
            return Bridge.PlatformBridge.Start(endPoint, platformSocket);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            Console.Error.WriteLine($"nimbus-init: cannot bridge {address} to the platform: {ex.Message}");
            return null;
        }
    }

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> or <c>localhost:port</c>; no name lookups.</summary>
    internal static bool TryParseEndPoint(string value, out IPEndPoint endPoint)
    {
        endPoint = null!;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            return false;
        }

        var host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host == "localhost")
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        if (!IPAddress.TryParse(host, out var ip))
        {
            return false;
        }

        endPoint = new IPEndPoint(ip, port);
        return true;
    }
}
