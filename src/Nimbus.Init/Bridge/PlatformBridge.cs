// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Nimbus.Init.Bridge;

/// <summary>
/// Lets a function in a sandbox without a route to the host reach Nimbus's API: every TCP connection accepted on
/// the bridge address (AWS_ENDPOINT_URL inside the sandbox) is piped, byte for byte, to the platform's Unix socket,
/// which the sandbox has bound in. Nothing else on the host is reachable this way.
/// </summary>
internal sealed class PlatformBridge : IDisposable
{
    private readonly Socket _listener;
    private readonly string _platformSocket;

    private PlatformBridge(Socket listener, string platformSocket)
    {
        _listener = listener;
        _platformSocket = platformSocket;
    }

    public static PlatformBridge Start(IPEndPoint address, string platformSocket)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(address);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var bridge = new PlatformBridge(listener, platformSocket);
        _ = bridge.AcceptLoopAsync();
        return bridge;
    }

    public void Dispose() => _listener.Dispose();

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(Socket client)
    {
        using (client)
        using (var platform = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                client.NoDelay = true;
                await platform.ConnectAsync(new UnixDomainSocketEndPoint(_platformSocket));
                await Task.WhenAll(CopyAsync(client, platform), CopyAsync(platform, client));
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
            {
                // One side went away: the other is closed with it.
            }
        }
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
