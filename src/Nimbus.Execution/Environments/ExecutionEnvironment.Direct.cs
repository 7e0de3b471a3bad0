// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Nimbus.Execution.Sandboxes;
using Nimbus.Init.Http;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Environments;

/// <summary>
/// The runtime's Runtime API served by the server itself (docs/internals/invoke-path.md#direct-runtime-api): nimbus-init
/// hands over the runtime's connection and output pipes by their numbers (Handover), the server copies them out of
/// nimbus-init with pidfd_getfd(2), answers the runtime with <see cref="DirectRuntimeApi"/>, reads its output with
/// <see cref="RuntimeOutputPump"/>, and sends Invoke frames nowhere: an invocation is handed to the waiting /next.
/// </summary>
internal sealed partial class ExecutionEnvironment
{
    /// <summary>
    /// Set when a hand-over could not be taken because this server may not copy nimbus-init's descriptors (pidfd_getfd
    /// refused: no ptrace rights over it, or an old kernel): later environments are started without direct-runtime-api.
    /// </summary>
    private static volatile bool s_directUnavailable;

    /// <summary>Connections of one runtime the server serves at most (nimbus-init's Runtime API took any number, in the sandbox).</summary>
    private const int MaxDirectConnections = 8;

    private readonly List<Socket> _directConnections = [];
    private readonly ProcessHandle? _initProcess;
    private DirectRuntimeApi? _direct;
    private RuntimeOutputPump? _directOutput;
    private Frame? _returnedInvoke;
    private string _exit = "Runtime exited without providing a reason";

    /// <summary>False once a hand-over failed for want of rights over nimbus-init's descriptors.</summary>
    private static bool DirectAvailable => !s_directUnavailable;

    /// <summary>Appends the runtime's output readable now, when the server reads it.</summary>
    private void DrainDirectOutput() => Volatile.Read(ref _directOutput)?.DrainWritten();

    /// <summary>A Handover frame: copies the descriptors, serves the connection, and tells nimbus-init to close its copy.</summary>
    private void TakeHandover(Frame frame)
    {
        Socket? socket = null;
        try
        {
            // The pidfd taken when nimbus-init connected: a pid read now could name another process by then.
            var init = _initProcess ?? throw new IOException("nimbus-init's process could not be held");
            var fd = Descriptor(frame, FrameHeaders.Fd);
            if (frame.Header(FrameHeaders.StdoutFd) is not null)
            {
                if (Volatile.Read(ref _directOutput) is not null)
                {
                    throw new IOException("a second Handover of the runtime's output");
                }

                var stdout = init.CopyDescriptor(Descriptor(frame, FrameHeaders.StdoutFd));
                int stderr;
                try
                {
                    stderr = init.CopyDescriptor(Descriptor(frame, FrameHeaders.StderrFd));
                }
                catch
                {
                    _ = RuntimeOutputPump.Close(stdout);
                    throw;
                }

                Volatile.Write(ref _directOutput, new RuntimeOutputPump(Output, stdout, stderr));
            }

            socket = new Socket(new SafeSocketHandle(init.CopyDescriptor(fd), ownsHandle: true));
            lock (_lock)
            {
                if (_directConnections.Count >= MaxDirectConnections)
                {
                    // A runtime holds a connection or two; more are refused rather than kept in the server's memory.
                    socket.Dispose();
                    socket = null;
                }
                else
                {
                    _directConnections.Add(socket);
                }
            }

            _ = SendAsync(new Frame(FrameType.HandoverTaken, [new(FrameHeaders.Fd, fd.ToString(CultureInfo.InvariantCulture))]), CancellationToken.None);
            if (socket is null)
            {
                return;
            }

            if (socket.AddressFamily != AddressFamily.Unix)
            {
                socket.NoDelay = true;
            }

            var first = _direct is null;
            var direct = _direct ??= new DirectRuntimeApi(DeliverDirectAsync);
            _ = ServeDirectAsync(socket, direct, frame.Body.ToArray());
            if (first && Interlocked.Exchange(ref _returnedInvoke, null) is { } returned)
            {
                direct.Coordinator.Enqueue(returned);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or FormatException or UnauthorizedAccessException)
        {
            // Without its connection the runtime can never answer: the environment is finished.
            socket?.Dispose();
            s_directUnavailable |= e is UnauthorizedAccessException;
            Log.HandoverFailed(_logger, e, Id);
            FailAll("Runtime exited without providing a reason");
            _sandbox.Kill();
        }
    }

    /// <summary>An Invoke nimbus-init sent back: to the runtime's /next here (before the Handover was read: kept for it).</summary>
    private void DeliverReturned(Frame invoke)
    {
        if (_direct is { } direct)
        {
            direct.Coordinator.Enqueue(invoke);
            return;
        }

        Volatile.Write(ref _returnedInvoke, invoke);
    }

    /// <summary>The server's Runtime API produced a frame: the output written before it goes first, as nimbus-init keeps it.</summary>
    private async Task DeliverDirectAsync(Frame frame, CancellationToken cancellationToken)
    {
        if (frame.Type != FrameType.ResponseChunk)
        {
            DrainDirectOutput();
        }

        await DispatchAsync(frame);
    }

    private async Task ServeDirectAsync(Socket socket, DirectRuntimeApi direct, byte[] prefix)
    {
        try
        {
            // A runtime client that sends its next /next with its result gets the 202 with the next event.
            using var connection = new HttpConnection(socket, direct, prefix) { HoldsAnswers = true };
            await connection.RunAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or Init.Http.HttpProtocolException or EndOfStreamException)
        {
            // The runtime went away or the environment is ending.
        }
        finally
        {
            lock (_lock)
            {
                _directConnections.Remove(socket);
            }

            socket.Dispose();
        }
    }

    /// <summary>Closes the runtime's connections and pipes the server holds (the environment is ending).</summary>
    private void CloseDirect()
    {
        Socket[] sockets;
        lock (_lock)
        {
            sockets = [.. _directConnections];
        }

        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        Volatile.Read(ref _directOutput)?.Dispose();
        _initProcess?.Dispose();
    }

    /// <summary>
    /// nimbus-init, held by a pidfd from the moment it connected: the init socket's peer (SO_PEERCRED, its pid in the
    /// server's pid namespace). Null when it cannot be held (then no hand-over is taken).
    /// </summary>
    private static ProcessHandle? HoldPeer(Socket connection)
    {
        try
        {
            Span<byte> credentials = stackalloc byte[12];
            var length = connection.GetRawSocketOption(1, 17, credentials);
            return length >= 4 ? ProcessHandle.Open(BitConverter.ToInt32(credentials)) : null;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return null;
        }
    }

    private static int Descriptor(Frame frame, string header) =>
        int.Parse(frame.Header(header) ?? throw new FormatException($"Handover without {header}"), NumberStyles.None, CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Environment {EnvironmentId}: the runtime's connection could not be taken over from nimbus-init; the environment is ended (when the copy itself was refused, later environments keep nimbus-init on their path)")]
        public static partial void HandoverFailed(ILogger logger, Exception exception, string environmentId);
    }
}
