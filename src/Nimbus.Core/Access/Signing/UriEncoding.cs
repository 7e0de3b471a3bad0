// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Core.Access.Signing;

/// <summary>SigV4's URI encoding: RFC 3986 unreserved characters stay, every other UTF-8 byte becomes %XX (upper-case hex).</summary>
internal static class UriEncoding
{
    public static bool IsUnreserved(int c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~';

    /// <summary>Encodes <paramref name="text"/>'s UTF-8 bytes, keeping '/' when <paramref name="keepSlash"/> is set.</summary>
    public static void Encode(ref ByteWriter writer, ReadOnlySpan<char> text, bool keepSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnreserved(c) || (keepSlash && c == '/'))
            {
                writer.Write((byte)c);
                continue;
            }

            int count;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                count = Encoding.UTF8.GetBytes(text.Slice(i, 2), utf8);
                i++;
            }
            else
            {
                count = Encoding.UTF8.GetBytes(text.Slice(i, 1), utf8);
            }

            for (var b = 0; b < count; b++)
            {
                WritePercent(ref writer, utf8[b]);
            }
        }
    }

    /// <summary>
    /// Writes the canonical form of an already-encoded query name or value: decoded ('+' stays a plus, as the AWS SDKs
    /// never send it for a space), then encoded again. Text without '%' whose characters are all unreserved is copied.
    /// </summary>
    public static void Reencode(ref ByteWriter writer, ReadOnlySpan<char> encoded)
    {
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%' && i + 2 < encoded.Length && TryHex(encoded[i + 1], encoded[i + 2], out var value))
            {
                // A decoded byte is written as the encoder would: unreserved bytes plain, the rest as %XX.
                if (IsUnreserved(value))
                {
                    writer.Write(value);
                }
                else
                {
                    WritePercent(ref writer, value);
                }

                i += 2;
            }
            else if (c < 0x80)
            {
                if (IsUnreserved(c))
                {
                    writer.Write((byte)c);
                }
                else
                {
                    WritePercent(ref writer, (byte)c);
                }
            }
            else
            {
                var pair = char.IsHighSurrogate(c) && i + 1 < encoded.Length && char.IsLowSurrogate(encoded[i + 1]);
                Encode(ref writer, encoded.Slice(i, pair ? 2 : 1), keepSlash: false);
                if (pair)
                {
                    i++;
                }
            }
        }
    }

    private static void WritePercent(ref ByteWriter writer, byte value)
    {
        writer.Write((byte)'%');
        writer.Write((byte)"0123456789ABCDEF"[value >> 4]);
        writer.Write((byte)"0123456789ABCDEF"[value & 0xF]);
    }

    private static bool TryHex(char high, char low, out byte value)
    {
        var h = HexValue(high);
        var l = HexValue(low);
        value = (byte)((h << 4) | l);
        return h >= 0 && l >= 0;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
