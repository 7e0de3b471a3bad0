// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>A Runtime API connection through System.Net.Sockets (a host name or IPv6 address); its errors as IOException.</summary>
internal sealed class ManagedConnection : Connection
{
    private readonly Socket _socket;

    public ManagedConnection(string host, int port)
    {
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            _socket.Connect(host, port);
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            throw new IOException($"connect: {e.Message}", e);
        }
    }

    public override int Send(byte[] buffer, int offset, int count)
    {
        try
        {
            return _socket.Send(buffer, offset, count, SocketFlags.None);
        }
        catch (SocketException e)
        {
            throw new IOException($"send: {e.Message}", e);
        }
    }

    public override int Receive(byte[] buffer, int offset, int count)
    {
        try
        {
            return _socket.Receive(buffer, offset, count, SocketFlags.None);
        }
        catch (SocketException e)
        {
            throw new IOException($"recv: {e.Message}", e);
        }
    }

    public override void Dispose() => _socket.Dispose();
}
