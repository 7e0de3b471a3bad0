// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Threading;

/// <summary>
/// A stream whose reads and writes that had to wait go on on the thread pool, never on the event thread that completed
/// them (<see cref="EventThreads"/>): for request bodies of the APIs that work synchronously once they have them, and
/// for what the server downloads. Reads and writes that complete at once cost nothing more.
/// </summary>
public sealed class PoolResumingStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompleted ? read : ResumeOnPoolAsync(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var written = inner.WriteAsync(buffer, cancellationToken);
        return written.IsCompleted ? written : ResumeOnPoolAsync(written);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await inner.FlushAsync(cancellationToken);
        }
        finally
        {
            await EventThreads.Leave();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => inner.SetLength(value);

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static async ValueTask<int> ResumeOnPoolAsync(ValueTask<int> read)
    {
        try
        {
            return await read;
        }
        finally
        {
            await EventThreads.Leave();
        }
    }

    private static async ValueTask ResumeOnPoolAsync(ValueTask written)
    {
        try
        {
            await written;
        }
        finally
        {
            await EventThreads.Leave();
        }
    }
}
