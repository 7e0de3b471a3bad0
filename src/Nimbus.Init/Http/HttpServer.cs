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

    /// <summary>Connections being served here (handed-over ones count until their serving ends).</summary>
    private int _open;
    private CancellationToken _stopping;
    private CancellationTokenSource? _accepting;
    private Task _acceptLoops = Task.CompletedTask;

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

    /// <summary>Called whenever a connection served here ends (handed over or closed).</summary>
    public Action? ConnectionEnded { get; set; }

    /// <summary>Connections accepted and still served here.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>The listening sockets' descriptors (nimbus-idle accepts on them after nimbus-init).</summary>
    public IEnumerable<int> ListenerDescriptors =>
        _unixListener is null ? [(int)_listener.SafeHandle.DangerousGetHandle()] : [(int)_listener.SafeHandle.DangerousGetHandle(), (int)_unixListener.SafeHandle.DangerousGetHandle()];

    /// <summary>Accepts connections until <paramref name="cancellationToken"/> is cancelled (or <see cref="PauseAsync"/>).</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        Resume();
        return _acceptLoops;
    }

    /// <summary>Stops accepting, the listeners left open; completes when no accept is pending any more.</summary>
    public async Task PauseAsync()
    {
        if (_accepting is { } accepting)
        {
            await accepting.CancelAsync();
        }

        try
        {
            await _acceptLoops;
        }
        catch (SocketException)
        {
            // An accept loop that had failed (out of descriptors): it is over either way.
        }
    }

    /// <summary>Accepts again after <see cref="PauseAsync"/>.</summary>
    public void Resume()
    {
        _accepting?.Dispose();
        var accepting = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        _accepting = accepting;
        _acceptLoops = _unixListener is null
            ? AcceptAsync(_listener, accepting.Token)
            : Task.WhenAll(AcceptAsync(_listener, accepting.Token), AcceptAsync(_unixListener, accepting.Token));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _unixListener?.Dispose();
        _accepting?.Dispose();
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
            catch (SocketException e) when (e.SocketErrorCode is not (SocketError.OperationAborted or SocketError.Shutdown or SocketError.NotSocket))
            {
                // Out of descriptors or memory, for now: the connection waits in the backlog; try again shortly.
                if (!await RestAsync(cancellationToken))
                {
                    return;
                }

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

            // Counted before the loop can see a pause: a paused server's count is final.
            Interlocked.Increment(ref _open);
            _ = ServeAsync(socket, _stopping);
        }
    }

    /// <summary>A pause after a failed accept; false when the server is stopping or pausing.</summary>
    internal static async Task<bool> RestAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(100, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
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

            Interlocked.Decrement(ref _open);
            ConnectionEnded?.Invoke();
        }
    }
}
