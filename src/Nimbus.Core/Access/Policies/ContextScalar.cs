// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;

namespace Nimbus.Core.Access.Policies;

/// <summary>
/// One value of a request's condition key: its text (what string, ARN and binary operators compare) and, read once when
/// the request is built, the number, date, boolean and IP address the text stands for, so that evaluating a policy parses
/// nothing. A date is ISO 8601 or epoch seconds, as in IAM's date condition operators.
/// </summary>
public readonly struct ContextScalar
{
    private ContextScalar(string text)
    {
        Text = text;
        var span = text.AsSpan().Trim();
        HasNumber = double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var number);
        Number = number;
        if (TryParseDate(span, out var date))
        {
            HasDate = true;
            Date = date;
        }

        if (bool.TryParse(span, out var flag))
        {
            HasBool = true;
            Bool = flag;
        }

        Ip = LooksLikeAddress(span) && IPAddress.TryParse(span, out var address) ? address : null;
    }

    public string Text { get; }

    public bool HasNumber { get; }

    public double Number { get; }

    public bool HasDate { get; }

    public DateTimeOffset Date { get; }

    public bool HasBool { get; }

    public bool Bool { get; }

    public IPAddress? Ip { get; }

    public static ContextScalar From(string text) => new(text);

    /// <summary>ISO 8601 (<c>2026-12-03T05:00:00Z</c>, a date alone, with or without an offset; UTC when none) or epoch
    /// seconds.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateTimeOffset date)
    {
        var digits = text.Length > 0 && text[0] == '-' ? text[1..] : text;
        if (digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9'))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
                && seconds is >= -62135596800 and <= 253402300799)
            {
                date = DateTimeOffset.FromUnixTimeSeconds(seconds);
                return true;
            }

            date = default;
            return false;
        }

        if (text.Length >= 10 && text[4] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date))
        {
            return true;
        }

        date = default;
        return false;
    }

    /// <summary>A dotted quad or an IPv6 address: IPAddress.TryParse alone would read "10" as 0.0.0.10.</summary>
    internal static bool LooksLikeAddress(ReadOnlySpan<char> text) => text.Contains(':') || text.Count('.') == 3;
}
