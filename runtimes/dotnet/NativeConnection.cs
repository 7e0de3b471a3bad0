// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Runtime.InteropServices;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>An IPv4 TCP connection made and used with libc's socket calls (Linux x64 values), blocking, TCP_NODELAY.</summary>
internal sealed unsafe partial class NativeConnection : Connection
{
    private const int AfInet = 2;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int IpProtoTcp = 6;
    private const int TcpNoDelay = 1;
    private const int MsgNoSignal = 0x4000;
    private const int Eintr = 4;

    private int _fd;

    private NativeConnection(int fd) => _fd = fd;

    /// <summary>A connection to an IPv4 address given as text; null when <paramref name="host"/> is not one.</summary>
    public static NativeConnection? TryOpen(string host, int port)
    {
        Span<byte> address = stackalloc byte[4];
        if (!TryParseIPv4(host, address) || port is <= 0 or > 65535)
        {
            return null;
        }

        var fd = Socket(AfInet, SockStream | SockCloexec, 0);
        if (fd < 0)
        {
            throw Error("socket");
        }

        // struct sockaddr_in: family (host order), port (network order), address, 8 bytes of zero.
        var sockaddr = stackalloc byte[16];
        new Span<byte>(sockaddr, 16).Clear();
        sockaddr[0] = AfInet;
        sockaddr[2] = (byte)(port >> 8);
        sockaddr[3] = (byte)port;
        address.CopyTo(new Span<byte>(sockaddr + 4, 4));
        int result;
        do
        {
            result = Connect(fd, sockaddr, 16);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == Eintr);

        if (result < 0)
        {
            var error = Error("connect");
            _ = Close(fd);
            throw error;
        }

        var one = 1;
        _ = SetSockOpt(fd, IpProtoTcp, TcpNoDelay, &one, sizeof(int));
        return new NativeConnection(fd);
    }

    private static bool TryParseIPv4(string text, Span<byte> address)
    {
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            if (!byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out address[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override int Send(byte[] buffer, int offset, int count)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var sent = SendTo(_fd, start + offset, count, MsgNoSignal);
                if (sent >= 0)
                {
                    return (int)sent;
                }

                if (Marshal.GetLastPInvokeError() != Eintr)
                {
                    throw Error("send");
                }
            }
        }
    }

    public override int Receive(byte[] buffer, int offset, int count)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var read = ReceiveFrom(_fd, start + offset, count, 0);
                if (read >= 0)
                {
                    return (int)read;
                }

                if (Marshal.GetLastPInvokeError() != Eintr)
                {
                    throw Error("recv");
                }
            }
        }
    }

    public override void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Close(_fd);
            _fd = -1;
        }
    }

    private static IOException Error(string call) =>
        new($"{call}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [LibraryImport("libc.so.6", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc.so.6", EntryPoint = "connect", SetLastError = true)]
    private static partial int Connect(int fd, byte* address, int length);

    [LibraryImport("libc.so.6", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, int* value, int length);

    [LibraryImport("libc.so.6", EntryPoint = "send", SetLastError = true)]
    private static partial nint SendTo(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "recv", SetLastError = true)]
    private static partial nint ReceiveFrom(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "close")]
    private static partial int Close(int fd);
}
