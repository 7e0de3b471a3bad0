// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Nimbus.Server.Hosting;

/// <summary>
/// The API's listening sockets, bound before anything else of the server runs, so that a port in use is found
/// before the server touches its data directory. Kestrel then serves them by handle (<c>ListenHandle</c>).
/// </summary>
internal sealed class ListenSockets : IDisposable
{
    private readonly List<Socket> _sockets;

    private ListenSockets(List<Socket> sockets) => _sockets = sockets;

    /// <summary>The sockets' file descriptors, for Kestrel.</summary>
    public IEnumerable<ulong> Handles => _sockets.Select(socket => (ulong)socket.Handle);

    /// <summary>
    /// Binds <paramref name="host"/>:<paramref name="port"/> the way Kestrel would have (localhost: IPv4 and,
    /// where the host has it, IPv6 loopback; 0.0.0.0 or *: every address, dual-stack where possible).
    /// </summary>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public static ListenSockets Bind(string host, int port)
    {
        var sockets = new List<Socket>();
        try
        {
            if (host is "localhost")
            {
                var first = Listen(new IPEndPoint(IPAddress.Loopback, port));
                sockets.Add(first);
                if (Socket.OSSupportsIPv6 && TryListen(new IPEndPoint(IPAddress.IPv6Loopback, ((IPEndPoint)first.LocalEndPoint!).Port)) is { } v6)
                {
                    sockets.Add(v6);
                }
            }
            else if (host is "0.0.0.0" or "*")
            {
                sockets.Add(Socket.OSSupportsIPv6
                    ? TryListen(new IPEndPoint(IPAddress.IPv6Any, port), dualMode: true) ?? Listen(new IPEndPoint(IPAddress.Any, port))
                    : Listen(new IPEndPoint(IPAddress.Any, port)));
            }
            else
            {
                sockets.Add(Listen(new IPEndPoint(IPAddress.Parse(host), port)));
            }

            return new ListenSockets(sockets);
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Called once Kestrel serves the sockets: it owns their descriptors from then on, so these wrappers must
    /// never close them.
    /// </summary>
    public void HandOver()
    {
        foreach (var socket in _sockets)
        {
            socket.SafeHandle.SetHandleAsInvalid();
        }

        _sockets.Clear();
    }

    /// <summary>Closes the sockets when the server did not get as far as serving them.</summary>
    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private static Socket? TryListen(IPEndPoint endPoint, bool dualMode = false)
    {
        try
        {
            return Listen(endPoint, dualMode);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported)
        {
            return null;
        }
    }

    private static Socket Listen(IPEndPoint endPoint, bool dualMode = false)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (dualMode)
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(512);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
