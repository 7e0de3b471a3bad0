// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Protocol;
using Nimbus.Init.Runtime;

namespace Nimbus.Init.Host;

/// <summary>
/// The write side of the host socket. All frames go through one lock, and every frame is preceded by whatever runtime
/// output is readable at that moment (init-protocol.md: logs before Response/Error/InitError), so the order on the
/// wire is the order in which things happened.
/// </summary>
internal sealed class HostLink : IDisposable
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Func<string, ReadOnlyMemory<byte>, CancellationToken, ValueTask> _writeLog;
    private RuntimeOutput? _output;

    public HostLink(Stream stream)
    {
        _stream = stream;
        _writeLog = WriteLogAsync;
    }

    /// <summary>Sees every chunk of output as it is forwarded (the Telemetry API's log lines).</summary>
    public Func<string, ReadOnlyMemory<byte>, CancellationToken, ValueTask>? Observer { get; set; }

    /// <summary>Starts forwarding this runtime output before every frame.</summary>
    public void Attach(RuntimeOutput output) => Volatile.Write(ref _output, output);

    /// <summary>Forwards readable runtime output, then sends <paramref name="frame"/>.</summary>
    public async Task SendAsync(Frame frame, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await DrainLockedAsync(cancellationToken);
            await FrameCodec.WriteAsync(_stream, frame, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Sends a Handover frame: the runtime's output readable now goes first as Log frames, and when the frame hands
    /// over the pipes too (<paramref name="pipes"/>) nothing reads them here after it (docs/internals/init-protocol.md).
    /// </summary>
    public async Task SendHandoverAsync(Frame frame, bool pipes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await DrainLockedAsync(cancellationToken);
            if (pipes)
            {
                Volatile.Read(ref _output)?.HandOver();
            }

            await FrameCodec.WriteAsync(_stream, frame, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Holds the write lock until the result is disposed: no frame is being written meanwhile (nimbus-init executes
    /// nimbus-idle holding it, so no frame is cut off on the wire).
    /// </summary>
    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        return new Held(_writeLock);
    }

    /// <summary>The runtime's stdout and stderr read ends, once attached.</summary>
    public (int Stdout, int Stderr)? RuntimePipes => Volatile.Read(ref _output)?.RuntimePipes;

    /// <summary>Forwards readable runtime output as Log frames.</summary>
    public async Task FlushOutputAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await DrainLockedAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private ValueTask DrainLockedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _output) is { } output ? output.DrainAsync(_writeLog, cancellationToken) : ValueTask.CompletedTask;

    private ValueTask WriteLogAsync(string stream, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var observed = Observer?.Invoke(stream, bytes, cancellationToken) ?? ValueTask.CompletedTask;
        return observed.IsCompletedSuccessfully
            ? FrameCodec.WriteAsync(_stream, new Frame(FrameType.Log, [new(FrameHeaders.Stream, stream)], bytes), cancellationToken)
            : WriteLogAfterAsync(observed, stream, bytes, cancellationToken);
    }

    private async ValueTask WriteLogAfterAsync(ValueTask observed, string stream, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await observed;
        await FrameCodec.WriteAsync(_stream, new Frame(FrameType.Log, [new(FrameHeaders.Stream, stream)], bytes), cancellationToken);
    }

    private sealed class Held(SemaphoreSlim writeLock) : IDisposable
    {
        public void Dispose() => writeLock.Release();
    }
}
