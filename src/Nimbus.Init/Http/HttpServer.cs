// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Nimbus.Init.Http;

/// <summary>
/// A minimal HTTP/1.1 server: one task per connection, requests on a connection answered in turn. It listens on a TCP
/// address and, when given a name prefix, on an abstract Unix socket as well (a name in the network namespace, no
/// file; the prefix and the TCP port, so that it is unique wherever the port is): the same requests, for clients that
/// know it (Nimbus's own Python runtime client: a message costs about a third less CPU than over TCP on loopback).
/// </summary>
internal sealed class HttpServer : IDisposable
{
    private readonly Socket _listener;
    private readonly Socket? _unixListener;
    private readonly IRequestHandler _handler;

    public HttpServer(IPEndPoint endPoint, IRequestHandler handler, string? abstractNamePrefix = null)
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

        if (abstractNamePrefix is not null)
        {
            // Optional: without it (the name taken by another process, say) clients use the TCP address.
            var abstractName = abstractNamePrefix + LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture);
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                unix.Bind(new UnixDomainSocketEndPoint("\0" + abstractName));
                unix.Listen(64);
                _unixListener = unix;
                AbstractName = abstractName;
            }
            catch (SocketException e)
            {
                unix.Dispose();
                Console.Error.WriteLine($"nimbus-init: the Runtime API is served over TCP only: abstract socket {abstractName}: {e.Message}");
            }
        }
    }

    /// <summary>The abstract Unix socket's name (without its leading NUL) when it is listened on, else null.</summary>
    public string? AbstractName { get; }

    /// <summary>
    /// Asked first about every accepted connection: true when it takes the connection (unread) and serves it no more
    /// here (connections handed to the host once the runtime's first was).
    /// </summary>
    public Func<Socket, bool>? Claim { get; set; }

    /// <summary>The address actually bound (the port chosen by the system when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public Task RunAsync(CancellationToken cancellationToken) =>
        _unixListener is null ? AcceptAsync(_listener, cancellationToken) : Task.WhenAll(AcceptAsync(_listener, cancellationToken), AcceptAsync(_unixListener, cancellationToken));

    public void Dispose()
    {
        _listener.Dispose();
        _unixListener?.Dispose();
    }

    private async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }

            if (socket.AddressFamily != AddressFamily.Unix)
            {
                socket.NoDelay = true;
            }

            if (Claim?.Invoke(socket) == true)
            {
                continue;
            }

            _ = ServeAsync(socket, cancellationToken);
        }
    }

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
