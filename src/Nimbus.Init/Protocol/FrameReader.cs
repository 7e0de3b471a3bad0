// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;

namespace Nimbus.Init.Protocol;

/// <summary>
/// Reads <see cref="Frame"/>s from one stream through a small read-ahead buffer: a small frame (an Invoke, a
/// Response, a Log line) arrives with its length prefix in one read instead of two, and frames that arrive together
/// are parsed from the same read. A frame larger than the buffer has its rest read straight into the frame's own
/// array. Every read of the stream must go through the same reader (bytes read ahead belong to the next frame).
/// </summary>
internal sealed class FrameReader(Stream stream)
{
    /// <summary>Enough for the usual frames of the invoke path, small enough to keep one per environment.</summary>
    internal const int BufferSize = 4096;

    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    /// <summary>Bytes read from the stream and not yet returned in a frame.</summary>
    public int Buffered => _end - _start;

    /// <summary>Reads one frame, or null at a clean end of stream.</summary>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await EnsureAsync(4, cancellationToken))
        {
            if (_end == _start)
            {
                return null;
            }

            throw new EndOfStreamException("the peer closed the socket in the middle of a frame");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));
        if (length < 3 || length > Frame.MaxLength)
        {
            throw new InvalidDataException($"bad frame length {length}");
        }

        _start += 4;
        var data = new byte[length];
        var buffered = Math.Min(_end - _start, (int)length);
        _buffer.AsSpan(_start, buffered).CopyTo(data);
        _start += buffered;
        var read = buffered;
        while (read < data.Length)
        {
            var n = await stream.ReadAsync(data.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                throw new EndOfStreamException("the peer closed the socket in the middle of a frame");
            }

            read += n;
        }

        return FrameCodec.Parse(data);
    }

    /// <summary>Reads until <paramref name="count"/> bytes are buffered; false when the stream ends first.</summary>
    private async ValueTask<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        // What is left (less than a length prefix) moves to the front, so the read gets the whole buffer.
        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
        while (_end < count)
        {
            var n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            _end += n;
        }

        return true;
    }
}
