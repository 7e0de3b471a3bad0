// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Core.Queues;

/// <summary>
/// The digests SQS returns and SDKs verify (the Java and .NET SDKs throw on a mismatch): MD5 of the UTF-8 body, and
/// MD5 of the message attributes encoded as SQS does. Attributes are taken in name order; each contributes its name,
/// its data type (both as a 4-byte big-endian length and the UTF-8 bytes), one transport byte (1 for a string
/// value, 2 for binary), and its value (length and bytes).
/// </summary>
public static class QueueMd5
{
    private const byte StringTransport = 1;
    private const byte BinaryTransport = 2;

    public static string OfBody(string body)
    {
        var max = Encoding.UTF8.GetMaxByteCount(body.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(body, rented);
            Span<byte> hash = stackalloc byte[16];
#pragma warning disable CA5351 // SQS's protocol digest, not a security use
            MD5.HashData(rented.AsSpan(0, length), hash);
#pragma warning restore CA5351
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The MD5 of the attributes, or null when there are none (SQS then omits the field).</summary>
    public static string? OfAttributes(IReadOnlyDictionary<string, MessageAttributeValue>? attributes)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return null;
        }

        var names = new string[attributes.Count];
        var i = 0;
        foreach (var name in attributes.Keys)
        {
            names[i++] = name;
        }

        Array.Sort(names, StringComparer.Ordinal);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var name in names)
        {
            var value = attributes[name];
            AppendString(md5, name);
            AppendString(md5, value.DataType);
            if (value.IsBinary)
            {
                md5.AppendData([BinaryTransport]);
                AppendBytes(md5, value.BinaryValue ?? []);
            }
            else
            {
                md5.AppendData([StringTransport]);
                AppendString(md5, value.StringValue ?? string.Empty);
            }
        }

        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    private static void AppendString(IncrementalHash md5, string value) => AppendBytes(md5, Encoding.UTF8.GetBytes(value));

    private static void AppendBytes(IncrementalHash md5, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        md5.AppendData(length);
        md5.AppendData(value);
    }
}
