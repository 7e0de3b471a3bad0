// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// A pattern for unstructured events: every plain term must appear, at least one <c>?term</c> must appear when there
/// are any, and no <c>-term</c> may appear. Terms are case-sensitive; a phrase in double quotes is one term.
/// </summary>
internal sealed class TermPattern : FilterPattern
{
    private readonly Term[] _required;
    private readonly Term[] _optional;
    private readonly Term[] _excluded;
    private readonly string[] _substrings;

    private TermPattern(Term[] required, Term[] optional, Term[] excluded)
    {
        _required = required;
        _optional = optional;
        _excluded = excluded;
        _substrings = [.. required.Where(t => t.IsLiteral).Select(t => t.Text)];
    }

    public override IReadOnlyList<string> RequiredSubstrings => _substrings;

    public override bool IsMatch(string message)
    {
        foreach (var term in _required)
        {
            if (!term.IsMatch(message))
            {
                return false;
            }
        }

        foreach (var term in _excluded)
        {
            if (term.IsMatch(message))
            {
                return false;
            }
        }

        if (_optional.Length == 0)
        {
            return true;
        }

        foreach (var term in _optional)
        {
            if (term.IsMatch(message))
            {
                return true;
            }
        }

        return false;
    }

    public static TermPattern Parse(string text)
    {
        var required = new List<Term>();
        var optional = new List<Term>();
        var excluded = new List<Term>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            var target = required;
            if (text[i] is '?' or '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                target = text[i] == '?' ? optional : excluded;
                i++;
            }

            target.Add(ReadTerm(text, ref i));
        }

        return new TermPattern([.. required], [.. optional], [.. excluded]);
    }

    private static Term ReadTerm(string text, ref int i)
    {
        if (text[i] == '"')
        {
            return Term.Literal(ReadQuoted(text, ref i));
        }

        if (text[i] == '%')
        {
            var end = text.IndexOf('%', i + 1);
            if (end < 0)
            {
                throw new InvalidFilterPatternException("a regular expression is not closed with %");
            }

            var expression = text[(i + 1)..end];
            i = end + 1;
            return expression.Length == 0 ? throw new InvalidFilterPatternException("an empty regular expression") : Term.Regex(expression);
        }

        var start = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            if (text[i] == '"')
            {
                throw new InvalidFilterPatternException($"unexpected quote in term '{text[start..(i + 1)]}'");
            }

            i++;
        }

        return Term.Literal(text[start..i]);
    }

    /// <summary>Reads a double-quoted string starting at <paramref name="i"/>; <c>\"</c> and <c>\\</c> are escapes.</summary>
    public static string ReadQuoted(string text, ref int i)
    {
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
            {
                value.Append(text[i + 1]);
                i += 2;
                continue;
            }

            if (c == '"')
            {
                i++;
                return value.ToString();
            }

            value.Append(c);
            i++;
        }

        throw new InvalidFilterPatternException("a quoted string is not closed");
    }
}
