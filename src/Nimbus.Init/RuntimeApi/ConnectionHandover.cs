// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Extensions;
using Nimbus.Init.Host;
using Nimbus.Init.Http;
using Nimbus.Init.Interop;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.RuntimeApi;

/// <summary>
/// Hands the runtime's Runtime API connections to the host (docs/internals/invoke-path.md#direct-runtime-api): when
/// the host asked for it (Start with direct-runtime-api: 1) and no extension registered, the runtime's first /next
/// after its first invocation goes to the host with its connection and the runtime's stdout and stderr pipes, and every
/// later connection follows unread. nimbus-init then only supervises the runtime; Invoke frames that still reach it go
/// back to the host.
/// </summary>
internal sealed class ConnectionHandover
{
    private static readonly byte[] s_next = Encoding.ASCII.GetBytes("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n");

    private readonly InvocationCoordinator _coordinator;
    private readonly HostLink _host;
    private readonly ExtensionSupervisor? _extensions;
    private readonly CancellationToken _stopping;
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Handed-over connections whose descriptor nimbus-init still holds, until the host says it took its copy.</summary>
    private readonly Dictionary<int, Socket> _held = [];

    /// <summary>Frames on their way to the host (a returned Invoke, a claimed or following connection).</summary>
    private int _sending;

    /// <summary>Set before the first Handover is sent (<see cref="HandingOver"/>).</summary>
    private bool _handing;

    public ConnectionHandover(InvocationCoordinator coordinator, HostLink host, ExtensionSupervisor? extensions, CancellationToken stopping)
    {
        _coordinator = coordinator;
        _host = host;
        _extensions = extensions;
        _stopping = stopping;
    }

    /// <summary>The host serves the runtime itself once handed its connection (the Start frame said so).</summary>
    public bool Enabled { get; set; }

    /// <summary>The runtime's connection was handed over (its Handover frame sent).</summary>
    public bool HandedOver => _first.Task.IsCompletedSuccessfully;

    /// <summary>The hand-over has begun (its frame may not be written yet): from here the frame loop may be woken.</summary>
    public bool HandingOver => Volatile.Read(ref _handing);

    /// <summary>Called when the connection was handed over and whenever the last frame on its way has gone.</summary>
    public Action? Changed { get; set; }

    /// <summary>
    /// The host serves the runtime and nothing of the hand-over is left here: no descriptor waits for its
    /// HandoverTaken, no frame is on its way, no extension or subscriber (nimbus-init may become nimbus-idle).
    /// </summary>
    public bool Settled
    {
        get
        {
            if (!HandedOver || Volatile.Read(ref _sending) != 0 || Extended())
            {
                return false;
            }

            lock (_held)
            {
                return _held.Count == 0;
            }
        }
    }

    /// <summary>
    /// The runtime asked for its next invocation after answering one, on <paramref name="connection"/>: hands the
    /// connection (with the /next to answer) to the host when it may. True when handed: the caller answers nothing.
    /// </summary>
    public async Task<bool> TryHandOverAsync(HttpConnection connection, HttpRequest request)
    {
        if (!Enabled || !request.KeepAlive || Extended() || !_coordinator.TryHandOver(out var queued))
        {
            return false;
        }

        var rest = connection.HandOver();
        var prefix = new byte[s_next.Length + rest.Length];
        s_next.CopyTo(prefix, 0);
        rest.CopyTo(prefix, s_next.Length);

        // The invocations queued here are on their way until each is sent; and the frame loop, which may read the
        // host's HandoverTaken before this goes on, must already wait so that it can be woken (Changed).
        Interlocked.Add(ref _sending, queued.Count);
        Volatile.Write(ref _handing, true);
        await SendAsync(connection.Socket, prefix, pipes: true);
        _first.TrySetResult();
        Changed?.Invoke();
        foreach (var invoke in queued)
        {
            try
            {
                await _host.SendAsync(invoke, _stopping);
            }
            finally
            {
                Sent();
            }
        }

        return true;
    }

    /// <summary>
    /// A request on a connection nimbus-init still serves, after the runtime's connection was handed over (a runtime
    /// that keeps two): that connection follows, with the request. False when it cannot (a body too large to keep).
    /// </summary>
    public async Task<bool> TryFollowAsync(HttpConnection connection, HttpRequest request)
    {
        if (!request.BodyPending && request.Body is null)
        {
            return false;
        }

        Interlocked.Increment(ref _sending);
        try
        {
            await FollowAsync(connection, request);
        }
        finally
        {
            Sent();
        }

        return true;
    }

    private async Task FollowAsync(HttpConnection connection, HttpRequest request)
    {
        await _first.Task.WaitAsync(_stopping);

        var head = new StringBuilder(256).Append(request.Method).Append(' ').Append(request.Path).Append(" HTTP/1.1\r\n");
        foreach (var (name, value) in request.Headers)
        {
            // Expect was answered here already; a whole body gets its own length.
            if (name.Equals("Expect", StringComparison.OrdinalIgnoreCase)
                || (!request.BodyPending && (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))))
            {
                continue;
            }

            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (!request.BodyPending)
        {
            head.Append("Content-Length: ").Append(request.Body!.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append("\r\n");
        var rest = connection.HandOver();
        var body = request.BodyPending ? [] : request.Body!;
        var prefix = Encoding.UTF8.GetBytes(head.ToString()).Concat(body).Concat(rest).ToArray();
        await SendAsync(connection.Socket, prefix, pipes: false);
    }

    /// <summary>A new connection once the runtime's was handed over: it goes to the host unread.</summary>
    public bool Claim(Socket socket)
    {
        if (!_coordinator.HandedOver)
        {
            return false;
        }

        Interlocked.Increment(ref _sending);
        _ = ClaimAsync(socket);
        return true;
    }

    /// <summary>
    /// An Invoke that reached nimbus-init after the hand-over: back to the host, after the Handover frame (not awaited
    /// by the frame loop, which must go on reading: a Shutdown may follow).
    /// </summary>
    public async Task ReturnAsync(Frame invoke)
    {
        Interlocked.Increment(ref _sending);
        try
        {
            await _first.Task.WaitAsync(_stopping);
            await _host.SendAsync(invoke, _stopping);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The host is gone or nimbus-init is stopping.
        }
        finally
        {
            Sent();
        }
    }

    /// <summary>The host holds its copy of the connection (HandoverTaken): nimbus-init closes its own.</summary>
    public void Taken(Frame frame)
    {
        if (!int.TryParse(frame.Header(FrameHeaders.Fd), NumberStyles.None, CultureInfo.InvariantCulture, out var fd))
        {
            return;
        }

        lock (_held)
        {
            if (!_held.Remove(fd))
            {
                return;
            }
        }

        _ = Libc.Close(fd);
    }

    private bool Extended() => _extensions is { } extensions && (extensions.Registry.Count > 0 || extensions.Telemetry.Active || extensions.Failed);

    private async Task ClaimAsync(Socket socket)
    {
        try
        {
            await _first.Task.WaitAsync(_stopping);
            await SendAsync(socket, [], pipes: false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The host is gone or nimbus-init is stopping.
        }
        finally
        {
            Sent();
        }
    }

    private async Task SendAsync(Socket socket, byte[] prefix, bool pipes)
    {
        // The descriptor leaves .NET's hands: out of its epoll set, never closed or shut down by it (a shutdown would
        // end the host's copy too); nimbus-init closes it when the host has its own.
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        try
        {
            Libc.ForgetInEpollSets(fd);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc: the registration stays (spurious wake-ups of nimbus-init, nothing worse).
        }

        socket.SafeHandle.SetHandleAsInvalid();
        lock (_held)
        {
            _held[fd] = socket;
        }

        List<KeyValuePair<string, string>> headers = [new(FrameHeaders.Fd, fd.ToString(CultureInfo.InvariantCulture))];
        if (pipes && _host.RuntimePipes is { } runtimePipes)
        {
            headers.Add(new(FrameHeaders.StdoutFd, runtimePipes.Stdout.ToString(CultureInfo.InvariantCulture)));
            headers.Add(new(FrameHeaders.StderrFd, runtimePipes.Stderr.ToString(CultureInfo.InvariantCulture)));
        }

        await _host.SendHandoverAsync(new Frame(FrameType.Handover, headers, prefix), pipes, _stopping);
    }

    /// <summary>A frame counted in <see cref="_sending"/> has gone (or failed).</summary>
    private void Sent()
    {
        if (Interlocked.Decrement(ref _sending) == 0)
        {
            Changed?.Invoke();
        }
    }
}
