// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Nimbus.Init.Protocol;

/// <summary>Reads and writes <see cref="Frame"/>s on a stream. Writers must not interleave: callers serialize writes.</summary>
internal static class FrameCodec
{
    /// <summary>Writes one frame; the frame is assembled in a pooled buffer and written with one call.</summary>
    public static async ValueTask WriteAsync(Stream stream, Frame frame, CancellationToken cancellationToken)
    {
        if (frame.Headers.Count > ushort.MaxValue)
        {
            throw new InvalidDataException($"{frame.Headers.Count} headers exceed the {ushort.MaxValue}-header limit");
        }

        var length = 1 + 2;
        foreach (var (name, value) in frame.Headers)
        {
            var nameLength = Encoding.UTF8.GetByteCount(name);
            if (nameLength > ushort.MaxValue)
            {
                throw new InvalidDataException($"header name of {nameLength} bytes exceeds the {ushort.MaxValue}-byte limit");
            }

            // long: many large headers must not wrap around past the frame limit check.
            length = (int)Math.Min(Frame.MaxLength + 1L, (long)length + 2 + nameLength + 4 + Encoding.UTF8.GetByteCount(value));
        }

        length = (int)Math.Min(Frame.MaxLength + 1L, (long)length + frame.Body.Length);
        if (length > Frame.MaxLength)
        {
            throw new InvalidDataException($"frame of {length} bytes exceeds the {Frame.MaxLength}-byte limit");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(4 + length);
        try
        {
            var span = buffer.AsSpan(0, 4 + length);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
            span[4] = (byte)frame.Type;
            BinaryPrimitives.WriteUInt16LittleEndian(span[5..], (ushort)frame.Headers.Count);
            var offset = 7;
            foreach (var (name, value) in frame.Headers)
            {
                var nameLength = Encoding.UTF8.GetBytes(name, span[(offset + 2)..]);
                BinaryPrimitives.WriteUInt16LittleEndian(span[offset..], (ushort)nameLength);
                offset += 2 + nameLength;
                var valueLength = Encoding.UTF8.GetBytes(value, span[(offset + 4)..]);
                BinaryPrimitives.WriteUInt32LittleEndian(span[offset..], (uint)valueLength);
                offset += 4 + valueLength;
            }

            frame.Body.Span.CopyTo(span[offset..]);
            await stream.WriteAsync(buffer.AsMemory(0, 4 + length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one frame, or null at a clean end of stream.</summary>
    public static async ValueTask<Frame?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        if (!await FillAsync(stream, prefix, allowEnd: true, cancellationToken))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length < 3 || length > Frame.MaxLength)
        {
            throw new InvalidDataException($"bad frame length {length}");
        }

        var data = new byte[length];
        await FillAsync(stream, data, allowEnd: false, cancellationToken);
        return Parse(data);
    }

    /// <summary>Parses the bytes after the length prefix; a frame whose headers run past its end is <see cref="InvalidDataException"/>.</summary>
    public static Frame Parse(byte[] data)
    {
        var span = data.AsSpan();
        if (span.Length < 3)
        {
            throw new InvalidDataException($"frame of {span.Length} bytes is shorter than its fixed part");
        }

        var type = (FrameType)span[0];
        int count = BinaryPrimitives.ReadUInt16LittleEndian(span[1..]);
        var headers = new KeyValuePair<string, string>[count];
        var offset = 3;
        for (var i = 0; i < count; i++)
        {
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(Take(span, offset, 2));
            offset += 2;
            var name = Encoding.UTF8.GetString(Take(span, offset, nameLength));
            offset += nameLength;
            var valueLength = BinaryPrimitives.ReadUInt32LittleEndian(Take(span, offset, 4));
            offset += 4;
            if (valueLength > (uint)(span.Length - offset))
            {
                throw new InvalidDataException("a frame header runs past the end of the frame");
            }

            var value = Encoding.UTF8.GetString(span.Slice(offset, (int)valueLength));
            offset += (int)valueLength;
            headers[i] = new KeyValuePair<string, string>(name, value);
        }

        return new Frame(type, headers, data.AsMemory(offset));
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> span, int offset, int length) =>
        length <= span.Length - offset
            ? span.Slice(offset, length)
            : throw new InvalidDataException("a frame header runs past the end of the frame");

    private static async ValueTask<bool> FillAsync(Stream stream, byte[] buffer, bool allowEnd, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                if (allowEnd && read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException("the peer closed the socket in the middle of a frame");
            }

            read += n;
        }

        return true;
    }
}
