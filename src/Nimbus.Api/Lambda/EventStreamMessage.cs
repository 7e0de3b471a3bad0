// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Nimbus.Api.Lambda;

/// <summary>
/// Messages of AWS's event stream encoding (<c>application/vnd.amazon.eventstream</c>): total length and headers length
/// (big-endian u32), the CRC32 of those 8 bytes, headers (u8 name length, name, type 7 = string, u16 value length,
/// value), the payload, and the CRC32 of everything before it. Events carry :message-type "event", :event-type and
/// :content-type.
/// </summary>
internal static class EventStreamMessage
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    private const byte StringType = 7;
    private const int PreludeLength = 12;

    /// <summary>Writes one event into a rented buffer; the caller returns it to the shared pool.</summary>
    public static (byte[] Buffer, int Length) Event(string eventType, string contentType, ReadOnlySpan<byte> payload)
    {
        var headersLength = HeaderLength(":event-type", eventType) + HeaderLength(":content-type", contentType) + HeaderLength(":message-type", "event");
        var total = PreludeLength + headersLength + payload.Length + 4;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        var span = buffer.AsSpan(0, total);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], Crc32.HashToUInt32(span[..8]));
        var position = PreludeLength;
        position += WriteHeader(span[position..], ":event-type", eventType);
        position += WriteHeader(span[position..], ":content-type", contentType);
        position += WriteHeader(span[position..], ":message-type", "event");
        payload.CopyTo(span[position..]);
        position += payload.Length;
        BinaryPrimitives.WriteUInt32BigEndian(span[position..], Crc32.HashToUInt32(span[..position]));
        return (buffer, total);
    }

    private static int HeaderLength(string name, string value) => 1 + Encoding.UTF8.GetByteCount(name) + 1 + 2 + Encoding.UTF8.GetByteCount(value);

    private static int WriteHeader(Span<byte> span, string name, string value)
    {
        var nameLength = Encoding.UTF8.GetBytes(name, span[1..]);
        span[0] = (byte)nameLength;
        var at = 1 + nameLength;
        span[at] = StringType;
        var valueLength = Encoding.UTF8.GetBytes(value, span[(at + 3)..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[(at + 1)..], (ushort)valueLength);
        return at + 3 + valueLength;
    }
}
