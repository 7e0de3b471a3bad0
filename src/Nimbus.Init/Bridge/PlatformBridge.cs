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

    /// <summary>Connections being piped.</summary>
    private int _open;
    private CancellationTokenSource _accepting = new();
    private Task _acceptLoop = Task.CompletedTask;

    private PlatformBridge(Socket listener, string platformSocket)
    {
        _listener = listener;
        _platformSocket = platformSocket;
    }

    /// <summary>Called whenever a piped connection ends.</summary>
    public Action? ConnectionEnded { get; set; }

    /// <summary>Connections accepted and still piped.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>The listening socket's descriptor (nimbus-idle accepts on it after nimbus-init).</summary>
    public int ListenerDescriptor => (int)_listener.SafeHandle.DangerousGetHandle();

    /// <summary>The platform's Unix socket every connection is piped to.</summary>
    public string PlatformSocket => _platformSocket;

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
        bridge.Resume();
        return bridge;
    }

    /// <summary>Stops accepting, the listener left open; completes when no accept is pending any more.</summary>
    public async Task PauseAsync()
    {
        await _accepting.CancelAsync();
        await _acceptLoop;
    }

    /// <summary>Accepts again after <see cref="PauseAsync"/>.</summary>
    public void Resume()
    {
        _accepting.Dispose();
        _accepting = new CancellationTokenSource();
        _acceptLoop = AcceptLoopAsync(_accepting.Token);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _accepting.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken);
            }
            catch (SocketException e) when (e.SocketErrorCode is not (SocketError.OperationAborted or SocketError.Shutdown or SocketError.NotSocket))
            {
                // Out of descriptors or memory, for now (or a connection gone before it was taken): try again shortly.
                if (!await Http.HttpServer.RestAsync(cancellationToken))
                {
                    return;
                }

                continue;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            // Counted before the loop can see a pause: a paused bridge's count is final.
            Interlocked.Increment(ref _open);
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(Socket client)
    {
        try
        {
            await PipeToPlatformAsync(client);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            ConnectionEnded?.Invoke();
        }
    }

    private async Task PipeToPlatformAsync(Socket client)
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
