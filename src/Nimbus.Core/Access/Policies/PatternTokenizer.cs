// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Core.Access.Policies;

/// <summary>Splits a policy string into <see cref="PatternToken"/>s. A <c>${</c> without its <c>}</c> is literal text.
/// A variable may carry a default: <c>${aws:PrincipalTag/team, 'none'}</c> (IAM User Guide, reference_policies_variables).</summary>
internal static class PatternTokenizer
{
    public static PatternToken[] Tokenize(string text, bool wildcards, bool variables)
    {
        var tokens = new List<PatternToken>();
        var literal = new StringBuilder();
        var slot = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (variables && c == '$' && i + 1 < text.Length && text[i + 1] == '{' && text.IndexOf('}', i + 2) is var end && end > 0)
            {
                var inner = text.AsSpan(i + 2, end - i - 2).Trim();
                i = end;
                if (inner is "*" or "?" or "$")
                {
                    literal.Append(inner[0]);
                    continue;
                }

                Flush(tokens, literal);
                var (key, fallback) = SplitDefault(inner);
                tokens.Add(new PatternToken(PatternTokenKind.Variable, key, fallback, slot++));
                continue;
            }

            if (wildcards && c is '*' or '?')
            {
                Flush(tokens, literal);
                // Consecutive stars are one star.
                if (c == '?' || tokens.Count == 0 || tokens[^1].Kind != PatternTokenKind.Star)
                {
                    tokens.Add(new PatternToken(c == '*' ? PatternTokenKind.Star : PatternTokenKind.Question, c == '*' ? "*" : "?"));
                }

                continue;
            }

            literal.Append(c);
        }

        Flush(tokens, literal);
        return [.. tokens];
    }

    private static (string Key, string? Default) SplitDefault(ReadOnlySpan<char> inner)
    {
        var comma = inner.IndexOf(',');
        if (comma < 0)
        {
            return (inner.ToString(), null);
        }

        var fallback = inner[(comma + 1)..].Trim();
        if (fallback.Length >= 2 && fallback[0] == '\'' && fallback[^1] == '\'')
        {
            fallback = fallback[1..^1];
        }

        return (inner[..comma].Trim().ToString(), fallback.ToString());
    }

    private static void Flush(List<PatternToken> tokens, StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            tokens.Add(new PatternToken(PatternTokenKind.Literal, literal.ToString()));
            literal.Clear();
        }
    }
}
