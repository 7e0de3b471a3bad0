// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Protocol;

namespace Nimbus.Init.Tests.Protocol;

public sealed class FrameReaderTests
{
    [Fact]
    public async Task ReadAsync_SeveralFramesInOneRead_ReturnsEachInOrder()
    {
        var stream = new ChunkedStream(await BytesOfAsync(
            new Frame(FrameType.Log, [new(FrameHeaders.Stream, "stdout")], "line\n"u8.ToArray()),
            new Frame(FrameType.Response, [new(FrameHeaders.RequestId, "r1")], "{}"u8.ToArray()),
            new Frame(FrameType.InvokeDone)), chunk: int.MaxValue);
        var reader = new FrameReader(stream);

        var log = await reader.ReadAsync(TestContext.Current.CancellationToken);
        var response = await reader.ReadAsync(TestContext.Current.CancellationToken);
        var done = await reader.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(FrameType.Log, log?.Type);
        Assert.Equal("line\n"u8.ToArray(), log?.Body.ToArray());
        Assert.Equal(FrameType.Response, response?.Type);
        Assert.Equal("r1", response?.Header(FrameHeaders.RequestId));
        Assert.Equal("{}"u8.ToArray(), response?.Body.ToArray());
        Assert.Equal(FrameType.InvokeDone, done?.Type);
        Assert.Null(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, stream.Reads); // one read held all three frames, the second saw the end
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4099)]
    public async Task ReadAsync_FramesSplitAnywhere_ReadWhole(int chunk)
    {
        var large = new byte[FrameReader.BufferSize * 3 + 17];
        new Random(7).NextBytes(large);
        var stream = new ChunkedStream(await BytesOfAsync(
            new Frame(FrameType.Invoke, [new(FrameHeaders.RequestId, "a")], "{\"n\":1}"u8.ToArray()),
            new Frame(FrameType.Response, [new(FrameHeaders.RequestId, "b")], large),
            new Frame(FrameType.Error, [new(FrameHeaders.ErrorType, "E")])), chunk);
        var reader = new FrameReader(stream);

        var first = await reader.ReadAsync(TestContext.Current.CancellationToken);
        var second = await reader.ReadAsync(TestContext.Current.CancellationToken);
        var third = await reader.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal("a", first?.Header(FrameHeaders.RequestId));
        Assert.Equal("{\"n\":1}"u8.ToArray(), first?.Body.ToArray());
        Assert.Equal("b", second?.Header(FrameHeaders.RequestId));
        Assert.Equal(large, second?.Body.ToArray());
        Assert.Equal("E", third?.Header(FrameHeaders.ErrorType));
        Assert.Null(await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadAsync_EndInsideLengthPrefix_ThrowsEndOfStream()
    {
        var reader = new FrameReader(new ChunkedStream([9, 0], chunk: 1));

        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadAsync_EndInsideFrame_ThrowsEndOfStream()
    {
        var bytes = await BytesOfAsync(new Frame(FrameType.Response, [new(FrameHeaders.RequestId, "r")], new byte[100]));
        var reader = new FrameReader(new ChunkedStream(bytes[..^10], chunk: 16));

        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadAsync_BadLength_ThrowsInvalidData()
    {
        var reader = new FrameReader(new ChunkedStream([2, 0, 0, 0, 1, 0], chunk: 64));

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<byte[]> BytesOfAsync(params Frame[] frames)
    {
        using var stream = new MemoryStream();
        foreach (var frame in frames)
        {
            await FrameCodec.WriteAsync(stream, frame, TestContext.Current.CancellationToken);
        }

        return stream.ToArray();
    }

    /// <summary>Gives at most <c>chunk</c> bytes per read, as a socket may; counts the reads.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Reads++;
            var n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
