// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Nimbus.Execution.Sandboxes;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Tests.Fakes;

/// <summary>
/// A sandbox without a process: it connects to the host's socket itself and plays nimbus-init with the real
/// frame codec (Hello, then Start, then the <see cref="FakeInitScript"/>). <see cref="Kill"/> completes
/// <see cref="Exited"/> and closes the socket, as killing nimbus-init would.
/// </summary>
internal sealed class FakeSandbox : ISandbox
{
    /// <summary>The status a killed nimbus-init reports (128 + SIGKILL).</summary>
    public const int KilledStatus = 137;

    private readonly Lock _lock = new();
    private readonly FakeInitScript _script;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _killed = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Frame> _start = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<Frame> _invokes = Channel.CreateUnbounded<Frame>();
    private readonly List<Frame> _received = [];
    private NetworkStream? _stream;
    private Task _loop = Task.CompletedTask;
    private int _killCount;

    public FakeSandbox(int number, SandboxSpec spec, FakeInitScript script)
    {
        Number = number;
        Spec = spec;
        _script = script;
        Paths = new SandboxPaths(spec.CodeDirectory, spec.RuntimeDirectory, "/tmp");
    }

    /// <summary>1 for the first sandbox the factory started, 2 for the second, …</summary>
    public int Number { get; }

    public SandboxSpec Spec { get; }

    public SandboxPaths Paths { get; }

    public Task<int> Exited => _exited.Task;

    /// <summary>The host's Start frame.</summary>
    public Task<Frame> Started => _start.Task;

    /// <summary>Every Invoke frame received so far, in order.</summary>
    public IReadOnlyList<Frame> Invokes
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    public bool Killed => Volatile.Read(ref _killCount) > 0;

    public bool Disposed { get; private set; }

    /// <summary>What <see cref="PeakMemoryBytes"/> reports.</summary>
    public long? PeakMemory { get; set; } = (50 * 1024 * 1024) + 1;

    public long? PeakMemoryBytes() => PeakMemory;

    /// <summary>Connects to the host, says Hello and starts playing the script in the background.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_script.ExitBeforeConnecting is { } status)
        {
            _exited.TrySetResult(status);
            return;
        }

        await _socket.ConnectAsync(new UnixDomainSocketEndPoint(Spec.HostSocketPath), cancellationToken);
        _stream = new NetworkStream(_socket, ownsSocket: false);
        await SendAsync(new Frame(FrameType.Hello, [new(FrameHeaders.RuntimeApi, "127.0.0.1:9001"), new(FrameHeaders.Pid, "4242")]), cancellationToken);
        _loop = RunAsync(_killed.Token);
    }

    /// <summary>The next Invoke frame, waiting for it if none arrived yet.</summary>
    public async Task<Frame> NextInvokeAsync(CancellationToken cancellationToken) => await _invokes.Reader.ReadAsync(cancellationToken);

    public Task SendReadyAsync(CancellationToken cancellationToken) => SendAsync(new Frame(FrameType.Ready), cancellationToken);

    public Task SendInitErrorAsync(string errorType, string errorJson, CancellationToken cancellationToken) =>
        SendAsync(new Frame(FrameType.InitError, [new(FrameHeaders.ErrorType, errorType)], Encoding.UTF8.GetBytes(errorJson)), cancellationToken);

    public Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, string contentType = "application/json") =>
        SendAsync(new Frame(FrameType.Response, [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ContentType, contentType)], payload), cancellationToken);

    public Task SendErrorAsync(string requestId, string errorType, string errorJson, CancellationToken cancellationToken) =>
        SendAsync(new Frame(FrameType.Error, [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ErrorType, errorType)], Encoding.UTF8.GetBytes(errorJson)), cancellationToken);

    public Task SendLogAsync(string text, CancellationToken cancellationToken, string stream = "stdout") =>
        SendLogAsync(Encoding.UTF8.GetBytes(text), cancellationToken, stream);

    public Task SendLogAsync(byte[] bytes, CancellationToken cancellationToken, string stream = "stdout") =>
        SendAsync(new Frame(FrameType.Log, [new(FrameHeaders.Stream, stream)], bytes), cancellationToken);

    public Task SendExitedAsync(CancellationToken cancellationToken, int? status = null, int? signal = null)
    {
        List<KeyValuePair<string, string>> headers = [];
        if (status is { } code)
        {
            headers.Add(new(FrameHeaders.Status, code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (signal is { } number)
        {
            headers.Add(new(FrameHeaders.Signal, number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return SendAsync(new Frame(FrameType.Exited, headers), cancellationToken);
    }

    /// <summary>Set by a test to play a sandbox whose memory limit was hit.</summary>
    public bool OutOfMemoryReported { get; set; }

    /// <summary>Thrown by <see cref="DisposeAsync"/> after the teardown (a sandbox whose shutdown fails).</summary>
    public Exception? DisposeFailure { get; set; }

    /// <summary>How often the environment told the sandbox that init was over.</summary>
    public int InitializedCalls { get; private set; }

    public bool OutOfMemory() => OutOfMemoryReported;

    public Task InitializedAsync(CancellationToken cancellationToken)
    {
        InitializedCalls++;
        return Task.CompletedTask;
    }

    public void Kill()
    {
        if (Interlocked.Increment(ref _killCount) > 1)
        {
            return;
        }

        _killed.Cancel();
        _socket.Dispose();
        _exited.TrySetResult(KilledStatus);
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _loop;
        _stream?.Dispose();
        Disposed = true;
        if (DisposeFailure is { } failure)
        {
            throw failure;
        }
    }

    public async Task SendAsync(Frame frame, CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new InvalidOperationException("not connected");
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await FrameCodec.WriteAsync(stream, frame, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task RunAsync(CancellationToken killed)
    {
        try
        {
            var stream = _stream!; // Set by ConnectAsync before the loop starts.
            var start = await FrameCodec.ReadAsync(stream, killed);
            if (start?.Type != FrameType.Start)
            {
                return;
            }

            _start.TrySetResult(start);
            if (start.Header(FrameHeaders.StemCell) == "1" && _script.StemCellWaits)
            {
                // A stem cell's runtime got to its wait for a function.
                await SendAsync(new Frame(FrameType.Waiting, []), killed);
            }

            await _script.OnStart(this, killed);
            while (await FrameCodec.ReadAsync(stream, killed) is { } frame)
            {
                if (frame.Type == FrameType.Invoke)
                {
                    lock (_lock)
                    {
                        _received.Add(frame);
                    }

                    _invokes.Writer.TryWrite(frame);
                    await _script.OnInvoke(this, frame, killed);
                }
            }

            // The host closed the socket: nimbus-init kills the runtime and exits.
            _exited.TrySetResult(0);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
        {
            _exited.TrySetResult(KilledStatus);
        }
        finally
        {
            _start.TrySetCanceled(CancellationToken.None);
            _invokes.Writer.TryComplete();
        }
    }
}
