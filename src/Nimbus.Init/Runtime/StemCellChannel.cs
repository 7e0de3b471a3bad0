// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Nimbus.Init.Interop;

namespace Nimbus.Init.Runtime;

/// <summary>
/// A stem cell's line to its runtime: a Unix socket pair whose other end is the runtime's fd 3 (_NIMBUS_STEM_FD).
/// The runtime writes one byte once it waits for its function (everything it imports ahead is imported: only then
/// may the host count the cell as ready); nimbus-init later writes the function's environment and shuts its end down
/// for sending, whose end of file ends the message (the socket itself is closed when the runtime has ended).
/// </summary>
internal sealed class StemCellChannel : IDisposable
{
    private readonly Socket _socket;
    private int _specialized;

    private StemCellChannel(Socket socket, int runtimeEnd)
    {
        _socket = socket;
        RuntimeEnd = runtimeEnd;
    }

    /// <summary>The runtime's end, close-on-exec: dup2'd to fd 3 at spawn, then closed here with <see cref="ReleaseRuntimeEnd"/>.</summary>
    public int RuntimeEnd { get; private set; }

    public static unsafe StemCellChannel Open()
    {
        var fds = stackalloc int[2];
        if (Libc.SocketPair(Libc.AfUnix, Libc.SockStream | Libc.OCloExec, 0, fds) != 0)
        {
            throw new IOException($"socketpair failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return new StemCellChannel(new Socket(new SafeSocketHandle(fds[0], ownsHandle: true)), fds[1]);
    }

    /// <summary>Closes nimbus-init's copy of the runtime's end (the runtime holds its own after the spawn).</summary>
    public void ReleaseRuntimeEnd()
    {
        if (RuntimeEnd >= 0)
        {
            _ = Libc.Close(RuntimeEnd);
            RuntimeEnd = -1;
        }
    }

    /// <summary>
    /// True once the runtime said it waits for its function; false if it went away first (or the cell was specialized
    /// before it got there: it reads its environment when it arrives).
    /// </summary>
    public async Task<bool> WaitingAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1];
        try
        {
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) == 1;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes the function's environment and shuts nimbus-init's end down for sending. A few KiB at most (Lambda's variables are
    /// limited to 4 KB), far below a socket's buffer. False when already specialized or the runtime is gone (EPIPE:
    /// its Exited frame tells the host).
    /// </summary>
    public bool Specialize(ReadOnlySpan<byte> environment)
    {
        if (Interlocked.Exchange(ref _specialized, 1) != 0)
        {
            return false;
        }

        try
        {
            while (!environment.IsEmpty)
            {
                environment = environment[_socket.Send(environment, SocketFlags.None)..];
            }

            // End of file for the runtime, but the socket stays open until the runtime ends (Dispose): closed now,
            // a byte the runtime wrote that nimbus-init had not read yet (a cell specialized before its Waiting)
            // would make the kernel reset the runtime's end, and its read of the environment fail after the data.
            _socket.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (SocketException)
        {
            _socket.Dispose();
            return false;
        }
    }

    public void Dispose()
    {
        ReleaseRuntimeEnd();
        _socket.Dispose();
    }
}
