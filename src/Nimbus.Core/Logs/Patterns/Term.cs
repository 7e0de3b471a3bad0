// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>One term of an unstructured pattern: a case-sensitive word or phrase, or a <c>%regular expression%</c>.</summary>
internal sealed class Term
{
    private readonly Regex? _regex;

    private Term(string text, Regex? regex)
    {
        Text = text;
        _regex = regex;
    }

    public string Text { get; }

    public bool IsLiteral => _regex is null;

    public static Term Literal(string text) => new(text, null);

    /// <summary>
    /// AWS's regular-expression terms. The non-backtracking engine keeps a hostile expression from costing more than
    /// linear time per event.
    /// </summary>
    public static Term Regex(string expression)
    {
        try
        {
            return new Term(expression, new Regex(expression, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new InvalidFilterPatternException($"invalid regular expression %{expression}%");
        }
    }

    public bool IsMatch(string message) =>
        _regex is null ? message.Contains(Text, StringComparison.Ordinal) : _regex.IsMatch(message);
}
