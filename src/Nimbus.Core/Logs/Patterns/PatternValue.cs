// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// The right-hand side of a comparison: a number (compared numerically) or a string in which <c>*</c> matches any
/// run of characters. Strings allow only <c>=</c> and <c>!=</c>, as AWS's syntax does.
/// </summary>
internal sealed class PatternValue
{
    private static readonly System.Buffers.SearchValues<char> s_jsonEscapable = System.Buffers.SearchValues.Create(
        "\"\\/\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly string[] _parts;

    private PatternValue(string text, double? number)
    {
        Text = text;
        Number = number;
        _parts = number is null ? text.Split('*') : [text];
    }

    public string Text { get; }

    public double? Number { get; }

    public bool HasWildcard => _parts.Length > 1;

    /// <summary>
    /// Adds to <paramref name="into"/> the text an event must contain for a string value to match: its parts between
    /// wildcards. None for a number (200 also matches 200.0 or 2e2); with <paramref name="json"/>, only parts a JSON
    /// string cannot spell otherwise than as <c>\uXXXX</c> (not <c>"</c>, <c>\</c>, <c>/</c>, control characters).
    /// </summary>
    public void CollectLiterals(List<string> into, bool json)
    {
        if (Number is not null)
        {
            return;
        }

        foreach (var part in _parts)
        {
            if (part.Length > 0 && (!json || part.AsSpan().IndexOfAny(s_jsonEscapable) < 0))
            {
                into.Add(part);
            }
        }
    }

    /// <summary>A value written bare (<c>200</c>, <c>4*</c>, <c>123.123.*</c>) or quoted (<c>"GET *"</c>, always a string).</summary>
    public static PatternValue Create(string text, bool quoted) =>
        !quoted && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !double.IsNaN(number) && !double.IsInfinity(number)
            ? new PatternValue(text, number)
            : new PatternValue(text, null);

    public static bool TryNumber(ReadOnlySpan<char> text, out double number) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && !double.IsNaN(number);

    public static bool CompareNumbers(double left, ComparisonOperator op, double right) => op switch
    {
        ComparisonOperator.Equal => left == right,
        ComparisonOperator.NotEqual => left != right,
        ComparisonOperator.Less => left < right,
        ComparisonOperator.LessOrEqual => left <= right,
        ComparisonOperator.Greater => left > right,
        _ => left >= right,
    };

    /// <summary>Whether <paramref name="candidate"/> matches this string value, <c>*</c> standing for any run of characters.</summary>
    public bool MatchesText(ReadOnlySpan<char> candidate)
    {
        if (_parts.Length == 1)
        {
            return candidate.SequenceEqual(Text);
        }

        var first = _parts[0];
        var last = _parts[^1];
        if (candidate.Length < first.Length + last.Length || !candidate.StartsWith(first, StringComparison.Ordinal) || !candidate.EndsWith(last, StringComparison.Ordinal))
        {
            return false;
        }

        var middle = candidate[first.Length..^last.Length];
        for (var i = 1; i < _parts.Length - 1; i++)
        {
            var at = middle.IndexOf(_parts[i], StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            middle = middle[(at + _parts[i].Length)..];
        }

        return true;
    }
}
