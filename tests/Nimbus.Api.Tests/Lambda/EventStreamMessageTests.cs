// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Nimbus.Api.Lambda;

namespace Nimbus.Api.Tests.Lambda;

/// <summary>Event stream messages as AWS frames them (prelude, prelude CRC, string headers, payload, message CRC).</summary>
public sealed class EventStreamMessageTests
{
    [Fact]
    public void Event_PayloadChunk_DecodesWithValidChecksumsAndHeaders()
    {
        var (buffer, length) = EventStreamMessage.Event("PayloadChunk", "application/octet-stream", "hello"u8);
        try
        {
            var message = buffer.AsSpan(0, length);
            var total = BinaryPrimitives.ReadUInt32BigEndian(message);
            var headersLength = BinaryPrimitives.ReadUInt32BigEndian(message[4..]);

            Assert.Equal((uint)length, total);
            Assert.Equal(Crc32.HashToUInt32(message[..8]), BinaryPrimitives.ReadUInt32BigEndian(message[8..]));
            Assert.Equal(Crc32.HashToUInt32(message[..^4]), BinaryPrimitives.ReadUInt32BigEndian(message[^4..]));
            var headers = ReadHeaders(message.Slice(12, (int)headersLength));
            Assert.Equal("PayloadChunk", headers[":event-type"]);
            Assert.Equal("application/octet-stream", headers[":content-type"]);
            Assert.Equal("event", headers[":message-type"]);
            Assert.Equal("hello", Encoding.UTF8.GetString(message[(12 + (int)headersLength)..^4]));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Header bytes: u8 name length, name, u8 type (7 = string), u16 length, value.</summary>
    private static Dictionary<string, string> ReadHeaders(ReadOnlySpan<byte> bytes)
    {
        var headers = new Dictionary<string, string>();
        while (bytes.Length > 0)
        {
            var nameLength = bytes[0];
            var name = Encoding.UTF8.GetString(bytes.Slice(1, nameLength));
            Assert.Equal(7, bytes[1 + nameLength]);
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 + nameLength)..]);
            headers[name] = Encoding.UTF8.GetString(bytes.Slice(4 + nameLength, valueLength));
            bytes = bytes[(4 + nameLength + valueLength)..];
        }

        return headers;
    }
}
