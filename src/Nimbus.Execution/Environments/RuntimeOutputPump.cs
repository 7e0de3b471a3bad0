// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Nimbus.Execution.Environments;

/// <summary>
/// The read ends of a runtime's stdout and stderr pipes, handed over by nimbus-init with the runtime's connection
/// (docs/internals/invoke-path.md#direct-runtime-api): what arrives is appended to the environment's output as it comes,
/// by one thread for the whole server asleep in epoll_wait(2), and on demand (<see cref="Drain"/>) before an outcome
/// completes, so that a line written before the response is in the log before the invocation's END. Reads and appends
/// happen under one lock, so the two readers never reorder the bytes.
/// </summary>
internal sealed partial class RuntimeOutputPump : IDisposable
{
    private const int EpollIn = 0x001;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const int Eintr = 4;
    private const int Eagain = 11;
    private const int ChunkSize = 64 * 1024;
    private const int MaxReadsPerWake = 16;
    private const int Fionread = 0x541B;
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;

    private static readonly Lazy<Poller> s_poller = new(() => new Poller());

    private readonly Lock _lock = new();
    private readonly LogBuffer _output;
    private readonly int[] _fds = [-1, -1];
    private readonly long[] _keys = new long[2];
    private bool _disposed;

    /// <summary>
    /// Takes the copies <paramref name="stdout"/> and <paramref name="stderr"/> (closed here, whatever happens): each
    /// is opened again through /proc/self/fd as a file description of the server's own, non-blocking, so that nothing
    /// in the sandbox can make a read block (the copies share nimbus-init's flags); anything but a pipe is refused.
    /// </summary>
    /// <exception cref="IOException">Not pipes, or they could not be watched.</exception>
    public RuntimeOutputPump(LogBuffer output, int stdout, int stderr)
    {
        _output = output;
        try
        {
            _fds[0] = Reopen(stdout);
            _fds[1] = Reopen(stderr);
            var poller = s_poller.Value;
            for (var i = 0; i < _fds.Length; i++)
            {
                _keys[i] = poller.Add(this, _fds[i]);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        finally
        {
            _ = CloseNative(stdout);
            _ = CloseNative(stderr);
        }
    }

    /// <summary>
    /// From the epoll thread: at most <see cref="MaxReadsPerWake"/> reads per pipe, so that one runtime writing without
    /// pause holds neither the thread every environment's output needs nor its own outcome's drain (level-triggered
    /// epoll brings the thread back for the rest); closes a pipe at its end.
    /// </summary>
    public void Drain() => DrainCore(untilEmpty: false);

    /// <summary>
    /// Before an outcome completes: what the pipes hold now (FIONREAD at entry), which includes everything the runtime
    /// wrote before it answered; not what it goes on writing meanwhile.
    /// </summary>
    public void DrainWritten() => DrainCore(untilEmpty: true);

    private unsafe void DrainCore(bool untilEmpty)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            byte[]? buffer = null;
            try
            {
                for (var i = 0; i < _fds.Length; i++)
                {
                    var left = int.MaxValue;
                    if (untilEmpty)
                    {
                        int queued;
                        if (_fds[i] < 0 || Ioctl(_fds[i], Fionread, &queued) != 0 || queued <= 0)
                        {
                            continue;
                        }

                        left = queued;
                    }

                    for (var reads = 0; _fds[i] >= 0 && left > 0 && (untilEmpty || reads < MaxReadsPerWake); reads++)
                    {
                        buffer ??= ArrayPool<byte>.Shared.Rent(ChunkSize);
                        var count = Read(_fds[i], buffer, Math.Min(left, ChunkSize));
                        if (count > 0)
                        {
                            _output.Append(buffer.AsSpan(0, count));
                            left -= untilEmpty ? count : 0;
                            continue;
                        }

                        if (count < 0)
                        {
                            // Every writer closed the pipe, or it broke: nothing more will come.
                            CloseLocked(i);
                        }

                        break;
                    }
                }
            }
            finally
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            for (var i = 0; i < _fds.Length; i++)
            {
                CloseLocked(i);
            }
        }
    }

    private static unsafe int Reopen(int fd)
    {
        var path = System.Text.Encoding.ASCII.GetBytes($"/proc/self/fd/{fd}\0");
        int reopened;
        fixed (byte* bytes = path)
        {
            reopened = OpenNative(bytes, ORdOnly | ONonBlock | OCloExec);
        }

        if (reopened < 0)
        {
            throw new IOException($"the runtime's output {fd} could not be opened: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        if (new FileInfo($"/proc/self/fd/{reopened}").LinkTarget is not { } target || !target.StartsWith("pipe:", StringComparison.Ordinal))
        {
            _ = CloseNative(reopened);
            throw new IOException($"the runtime's output {fd} is not a pipe");
        }

        return reopened;
    }

    /// <summary>One non-blocking read: the byte count, 0 when nothing is readable now, -1 at end of file or on an error.</summary>
    private static unsafe int Read(int fd, byte[] buffer, int length)
    {
        while (true)
        {
            nint count;
            fixed (byte* bytes = buffer)
            {
                count = ReadNative(fd, bytes, (nuint)length);
            }

            if (count > 0)
            {
                return (int)count;
            }

            var errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (errno == Eintr)
            {
                continue;
            }

            return errno == Eagain ? 0 : -1;
        }
    }

    private void CloseLocked(int i)
    {
        if (_fds[i] < 0)
        {
            return;
        }

        // Out of the epoll set before the close: nimbus-init's copy keeps the pipe open, and with it the registration.
        s_poller.Value.Remove(_keys[i], _fds[i]);
        _ = CloseNative(_fds[i]);
        _fds[i] = -1;
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static unsafe partial int OpenNative(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, int request, int* value);

    /// <summary>Closes a descriptor this class did not take (a copy whose pair could not be made).</summary>
    public static int Close(int fd) => CloseNative(fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static unsafe partial int EpollCtl(int epfd, int operation, int fd, EpollEvent* eventData);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static unsafe partial int EpollWait(int epfd, EpollEvent* events, int maxEvents, int timeout);

    /// <summary>struct epoll_event on x86-64 (packed: 4 + 8 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct EpollEvent
    {
        public uint Events;
        public long Data;
    }

    /// <summary>The server's one epoll set of handed-over pipes, and its thread.</summary>
    private sealed class Poller
    {
        private readonly int _epoll;
        private readonly ConcurrentDictionary<long, RuntimeOutputPump> _pumps = new();
        private long _next;

        public Poller()
        {
            _epoll = EpollCreate(0x80000);
            if (_epoll < 0)
            {
                throw new IOException($"epoll_create1: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            new Thread(Run, 256 * 1024) { IsBackground = true, Name = "nimbus runtime output" }.Start();
        }

        public unsafe long Add(RuntimeOutputPump pump, int fd)
        {
            var key = Interlocked.Increment(ref _next);
            _pumps[key] = pump;

            // Level-triggered: a pipe not emptied by one drain wakes the thread again.
            var registration = new EpollEvent { Events = EpollIn, Data = key };
            if (EpollCtl(_epoll, EpollCtlAdd, fd, &registration) != 0)
            {
                _pumps.TryRemove(key, out _);
                throw new IOException($"epoll_ctl: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            return key;
        }

        public unsafe void Remove(long key, int fd)
        {
            _ = EpollCtl(_epoll, EpollCtlDel, fd, null);
            _pumps.TryRemove(key, out _);
        }

        private unsafe void Run()
        {
            const int MaxEvents = 64;
            var events = stackalloc EpollEvent[MaxEvents];
            while (true)
            {
                var ready = EpollWait(_epoll, events, MaxEvents, -1);
                for (var i = 0; i < ready; i++)
                {
                    if (_pumps.TryGetValue(events[i].Data, out var pump))
                    {
                        try
                        {
                            pump.Drain();
                        }
                        catch (Exception e) when (e is not OutOfMemoryException)
                        {
                            // One environment's output must not stop everyone's: that pipe is given up.
                            pump.Dispose();
                        }
                    }
                }
            }
        }
    }
}
