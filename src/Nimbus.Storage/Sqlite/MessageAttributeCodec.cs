// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Text;
using Nimbus.Core.Queues;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// Message attributes in one BLOB column: a count, then per attribute its name and data type (2-byte length and
/// UTF-8), a kind byte (1 string, 2 binary) and its value (4-byte length and bytes). Compact and parsed without JSON.
/// </summary>
internal static class MessageAttributeCodec
{
    private const byte StringKind = 1;
    private const byte BinaryKind = 2;

    public static byte[]? Encode(IReadOnlyDictionary<string, MessageAttributeValue>? attributes)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return null;
        }

        var size = 1;
        foreach (var (name, value) in attributes)
        {
            size += 2 + Encoding.UTF8.GetByteCount(name) + 2 + Encoding.UTF8.GetByteCount(value.DataType) + 1 + 4;
            size += value.IsBinary ? value.BinaryValue?.Length ?? 0 : Encoding.UTF8.GetByteCount(value.StringValue ?? string.Empty);
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = (byte)attributes.Count;
        var offset = 1;
        foreach (var (name, value) in attributes)
        {
            offset += WriteShortString(span[offset..], name);
            offset += WriteShortString(span[offset..], value.DataType);
            if (value.IsBinary)
            {
                span[offset++] = BinaryKind;
                var bytes = value.BinaryValue ?? [];
                BinaryPrimitives.WriteInt32BigEndian(span[offset..], bytes.Length);
                offset += 4;
                bytes.CopyTo(span[offset..]);
                offset += bytes.Length;
            }
            else
            {
                span[offset++] = StringKind;
                var written = Encoding.UTF8.GetBytes(value.StringValue ?? string.Empty, span[(offset + 4)..]);
                BinaryPrimitives.WriteInt32BigEndian(span[offset..], written);
                offset += 4 + written;
            }
        }

        return buffer;
    }

    public static Dictionary<string, MessageAttributeValue>? Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            return null;
        }

        var count = data[0];
        var attributes = new Dictionary<string, MessageAttributeValue>(count, StringComparer.Ordinal);
        var offset = 1;
        for (var i = 0; i < count; i++)
        {
            var name = ReadShortString(data, ref offset);
            var type = ReadShortString(data, ref offset);
            var kind = data[offset++];
            var length = BinaryPrimitives.ReadInt32BigEndian(data[offset..]);
            offset += 4;
            var value = data.Slice(offset, length);
            offset += length;
            attributes[name] = kind == BinaryKind
                ? new MessageAttributeValue { DataType = type, BinaryValue = value.ToArray() }
                : new MessageAttributeValue { DataType = type, StringValue = Encoding.UTF8.GetString(value) };
        }

        return attributes;
    }

    private static int WriteShortString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)written);
        return 2 + written;
    }

    private static string ReadShortString(ReadOnlySpan<byte> data, ref int offset)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
        offset += 2;
        var value = Encoding.UTF8.GetString(data.Slice(offset, length));
        offset += length;
        return value;
    }
}
