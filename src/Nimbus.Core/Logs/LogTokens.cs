// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Nimbus.Core.Logs;

/// <summary>
/// The pagination tokens of the Logs API. GetLogEvents' have AWS's shape, <c>f/</c> or <c>b/</c> and 56 digits (here
/// the event's timestamp and id); the others are opaque base64url.
/// </summary>
public static class LogTokens
{
    private const int Digits = 56;

    public static string Forward(LogCursor cursor) => "f/" + Number(cursor);

    public static string Backward(LogCursor cursor) => "b/" + Number(cursor);

    /// <summary>AWS's eventId shape: 56 digits.</summary>
    public static string EventId(LogCursor cursor) => Number(cursor);

    /// <summary>Reads an <c>f/</c> or <c>b/</c> token; false when it is neither.</summary>
    public static bool TryParseDirectional(string token, out bool forward, out LogCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(token);
        forward = token.StartsWith("f/", StringComparison.Ordinal);
        cursor = default;
        if ((!forward && !token.StartsWith("b/", StringComparison.Ordinal)) || token.Length != Digits + 2)
        {
            return false;
        }

        var digits = token.AsSpan(2);
        if (!long.TryParse(digits[..20], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !long.TryParse(digits[20..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        cursor = new LogCursor(timestamp, id);
        return true;
    }

    public static string Cursor(LogCursor cursor)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, cursor.Timestamp);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], cursor.Id);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryParseCursor(string token, out LogCursor cursor)
    {
        cursor = default;
        if (Decode(token) is not { Length: 16 } bytes)
        {
            return false;
        }

        cursor = new LogCursor(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(8)));
        return true;
    }

    /// <summary>A store's own page cursor (a name, or a time and id), wrapped so clients treat it as opaque.</summary>
    public static string Wrap(string inner) => Convert.ToBase64String(Encoding.UTF8.GetBytes(inner)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string? Unwrap(string token) => Decode(token) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    private static byte[]? Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += (base64.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Number(LogCursor cursor) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(cursor.Timestamp, 0):D20}{Math.Max(cursor.Id, 0):D36}");
}
