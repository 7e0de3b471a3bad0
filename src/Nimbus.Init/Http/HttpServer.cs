// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Nimbus.Init.Http;

/// <summary>A minimal HTTP/1.1 server: one task per connection, requests on a connection answered in turn.</summary>
internal sealed class HttpServer : IDisposable
{
    private readonly Socket _listener;
    private readonly IRequestHandler _handler;

    public HttpServer(IPEndPoint endPoint, IRequestHandler handler)
    {
        _handler = handler;
        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(endPoint);
            _listener.Listen(64);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asked first about every accepted connection: true when it takes the connection (unread) and serves it no more
    /// here (connections handed to the host once the runtime's first was).
    /// </summary>
    public Func<Socket, bool>? Claim { get; set; }

    /// <summary>The address actually bound (the port chosen by the system when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }

            socket.NoDelay = true;
            if (Claim?.Invoke(socket) == true)
            {
                continue;
            }

            _ = ServeAsync(socket, cancellationToken);
        }
    }

    public void Dispose() => _listener.Dispose();

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        var connection = new HttpConnection(socket, _handler);
        try
        {
            try
            {
                await connection.RunAsync(cancellationToken);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or nimbus-init is stopping: nothing to answer.
            }
            catch (Exception e)
            {
                await Console.Error.WriteLineAsync($"nimbus-init: runtime API connection failed: {e}");
            }
        }
        finally
        {
            // A connection handed to the host is its to close.
            if (!connection.HandedOver)
            {
                connection.Dispose();
                socket.Dispose();
            }
        }
    }
}
