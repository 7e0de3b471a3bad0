// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>The Runtime API's TCP connection: blocking sends and receives.</summary>
internal abstract class Connection : IDisposable
{
    /// <summary>
    /// A connection to <paramref name="host"/>:<paramref name="port"/>: straight through libc for an IPv4 address (the
    /// platform's 127.0.0.1:9001), which spares the cold start System.Net.Sockets' initialization (about 10 ms of CPU
    /// measured); System.Net.Sockets for anything else.
    /// </summary>
    public static Connection Open(string host, int port) =>
        (Connection?)NativeConnection.TryOpen(host, port) ?? new ManagedConnection(host, port);

    public abstract int Send(byte[] buffer, int offset, int count);

    public abstract int Receive(byte[] buffer, int offset, int count);

    public abstract void Dispose();
}
