// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Interop;

namespace Nimbus.Init.Runtime;

/// <summary>
/// The read ends of the runtime's stdout and stderr pipes (and, with external extensions, theirs), non-blocking. <see cref="DrainAsync"/> forwards what is
/// readable now; <see cref="WaitReadable"/> blocks its caller (a dedicated thread) in poll(2) until there is more.
/// Only <see cref="DrainAsync"/> (serialized by the caller) reads and marks end of file; only the pump closes.
/// </summary>
internal sealed class RuntimeOutput
{
    /// <summary>Protocol limit for one Log frame.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Reads per stream and drain: enough to empty a full pipe (64 KiB by default, up to 1 MiB with F_SETPIPE_SZ)
    /// while a chatty runtime cannot hold the host link for ever.
    /// </summary>
    private const int MaxReadsPerDrain = 16;

    /// <summary>The Log frames' stream names: the runtime's two, then the extensions' two.</summary>
    private static readonly string[] s_names = ["stdout", "stderr", ExtensionStdout, ExtensionStderr];

    public const string ExtensionStdout = "extension-stdout";
    public const string ExtensionStderr = "extension-stderr";

    private readonly int[] _fds;
    private readonly int[] _open;
    private readonly byte[] _buffer = new byte[ChunkSize];

    /// <summary>The runtime's two pipes were handed to the host (<see cref="HandOver"/>): it reads them now.</summary>
    private volatile bool _handed;

    public RuntimeOutput(int stdout, int stderr)
        : this([stdout, stderr])
    {
    }

    /// <summary>The runtime's stdout and stderr, then optionally the extensions' stdout and stderr.</summary>
    public RuntimeOutput(int[] fds)
    {
        _fds = fds;
        _open = new int[fds.Length];
        Array.Fill(_open, 1);
    }

    /// <summary>True once every pipe reached end of file.</summary>
    public bool Completed
    {
        get
        {
            for (var i = 0; i < _open.Length; i++)
            {
                if (Volatile.Read(ref _open[i]) != 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The read ends of the runtime's stdout and stderr.</summary>
    public (int Stdout, int Stderr) RuntimePipes => (_fds[0], _fds[1]);

    /// <summary>
    /// The host reads the runtime's stdout and stderr from now on (its own descriptors of the same pipes): they are
    /// never read here again, only watched for their end (poll reports a hang-up whatever events are asked for), so
    /// that the runtime's end is still seen as its output closing. Call under the host link's lock, after a drain.
    /// </summary>
    public void HandOver() => _handed = true;

    /// <summary>
    /// Passes every chunk readable now (at most <see cref="ChunkSize"/> bytes each, as read) to <paramref name="writeAsync"/>.
    /// The buffer is reused: the callee must consume the chunk before it returns. Callers serialize calls.
    /// </summary>
    public async ValueTask DrainAsync(Func<string, ReadOnlyMemory<byte>, CancellationToken, ValueTask> writeAsync, CancellationToken cancellationToken)
    {
        for (var stream = _handed ? 2 : 0; stream < _fds.Length; stream++)
        {
            for (var reads = 0; reads < MaxReadsPerDrain && Volatile.Read(ref _open[stream]) == 1; reads++)
            {
                var count = ReadOnce(stream);
                if (count <= 0)
                {
                    break;
                }

                await writeAsync(s_names[stream], _buffer.AsMemory(0, count), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Waits (blocking the calling thread in poll(2), no timeout) until a pipe that is still open has data or hung up.
    /// False when all are at end of file.
    /// </summary>
    public unsafe bool WaitReadable()
    {
        var count = _fds.Length;
        var fds = stackalloc PollFd[count];
        while (true)
        {
            var any = false;
            var handed = _handed;
            for (var i = 0; i < count; i++)
            {
                var open = Volatile.Read(ref _open[i]) == 1;
                any |= open;

                // poll(2) ignores negative descriptors; a handed-over pipe wakes this thread only at its hang-up.
                fds[i] = new PollFd { Fd = open ? _fds[i] : -1, Events = handed && i < 2 ? (short)0 : Libc.PollIn };
            }

            if (!any)
            {
                return false;
            }

            var ready = Libc.Poll(fds, (nuint)count, -1);
            if (ready > 0)
            {
                for (var i = 0; handed && i < 2; i++)
                {
                    if (fds[i].Fd >= 0 && (fds[i].REvents & (Libc.PollHup | Libc.PollErr | Libc.PollNval)) != 0)
                    {
                        // Every writer closed the pipe: the runtime's output is over (the host reads what is left).
                        Volatile.Write(ref _open[i], 0);
                    }
                }

                return true;
            }

            if (ready < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != Libc.EINTR)
            {
                throw new IOException($"poll failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
            }
        }
    }

    /// <summary>Closes the pipes; call only when <see cref="Completed"/> (nothing reads them any more).</summary>
    public void Close()
    {
        for (var i = _handed ? 2 : 0; i < _fds.Length; i++)
        {
            // Not the handed-over pair: a Handover frame naming them may not have been taken yet, and their numbers
            // must not name anything else when it is (they go with nimbus-init).
            _ = Libc.Close(_fds[i]);
        }
    }

    /// <summary>One non-blocking read: the byte count, 0 when nothing is readable now, -1 at end of file.</summary>
    private unsafe int ReadOnce(int stream)
    {
        while (true)
        {
            nint count;
            fixed (byte* buffer = _buffer)
            {
                count = Libc.Read(_fds[stream], buffer, (nuint)_buffer.Length);
            }

            if (count > 0)
            {
                return (int)count;
            }

            var errno = count < 0 ? System.Runtime.InteropServices.Marshal.GetLastPInvokeError() : 0;
            if (errno == Libc.EINTR)
            {
                continue;
            }

            if (errno == Libc.EAGAIN)
            {
                return 0;
            }

            // 0 = every writer closed its end; any other error: nothing more will come from this pipe.
            Volatile.Write(ref _open[stream], 0);
            return -1;
        }
    }
}
