// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// The right-hand side of a comparison: a number (compared numerically) or a string in which <c>*</c> matches any
/// run of characters. Strings allow only <c>=</c> and <c>!=</c>, as AWS's syntax does.
/// </summary>
internal sealed class PatternValue
{
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
