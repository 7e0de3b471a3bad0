// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// A compiled policy string: literal runs, <c>*</c> (any run), <c>?</c> (one character) and policy variables
/// (<c>${aws:username}</c>, resolved from the request; <c>${*}</c> <c>${?}</c> <c>${$}</c> stand for the character).
/// Matching is the greedy single-backtrack glob over the tokens: linear in practice, no allocation.
/// </summary>
internal sealed class WildcardPattern : IValuePattern
{
    private readonly PatternToken[] _tokens;
    private readonly bool _ignoreCase;
    private readonly int _variables;

    public WildcardPattern(PatternToken[] tokens, bool ignoreCase)
    {
        _tokens = tokens;
        _ignoreCase = ignoreCase;
        foreach (var token in tokens)
        {
            if (token.Kind == PatternTokenKind.Variable)
            {
                _variables++;
            }
        }

        IsMatchAll = tokens.Length == 1 && tokens[0].Kind == PatternTokenKind.Star;
    }

    public bool IsMatchAll { get; }

    /// <summary>Compiles <paramref name="text"/>; <paramref name="wildcards"/> false keeps <c>*</c> and <c>?</c>
    /// literal (StringEquals), <paramref name="variables"/> false keeps <c>${...}</c> literal (Version 2008-10-17).</summary>
    public static WildcardPattern Compile(string text, bool wildcards, bool variables, bool ignoreCase) =>
        new(PatternTokenizer.Tokenize(text, wildcards, variables), ignoreCase);

    public PatternMatch Match(ReadOnlySpan<char> value, RequestContext request)
    {
        if (IsMatchAll)
        {
            return PatternMatch.Match;
        }

        var values = default(VariableValues);
        if (_variables > 0 && !Resolve(request, ref values))
        {
            return PatternMatch.Unresolvable;
        }

        return Matches(value, values) ? PatternMatch.Match : PatternMatch.NoMatch;
    }

    private bool Resolve(RequestContext request, ref VariableValues values)
    {
        foreach (var token in _tokens)
        {
            if (token.Kind != PatternTokenKind.Variable)
            {
                continue;
            }

            if (token.Slot >= VariableValues.Capacity)
            {
                return false;
            }

            if (request.Keys.TryGetSingleText(token.Text, out var text))
            {
                values[token.Slot] = text;
            }
            else if (token.Default is { } fallback)
            {
                values[token.Slot] = fallback;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private bool Matches(ReadOnlySpan<char> value, in VariableValues values)
    {
        var tokens = _tokens;
        int t = 0, o = 0, v = 0;
        int backToken = -1, backValue = 0;
        while (v < value.Length)
        {
            while (t < tokens.Length && IsText(tokens[t]) && o >= TextOf(tokens[t], values).Length)
            {
                t++;
                o = 0;
            }

            if (t < tokens.Length)
            {
                var token = tokens[t];
                if (token.Kind == PatternTokenKind.Star)
                {
                    backToken = ++t;
                    o = 0;
                    backValue = v;
                    continue;
                }

                if (token.Kind == PatternTokenKind.Question)
                {
                    t++;
                    v++;
                    continue;
                }

                if (Same(TextOf(token, values)[o], value[v]))
                {
                    o++;
                    v++;
                    continue;
                }
            }

            if (backToken < 0)
            {
                return false;
            }

            t = backToken;
            o = 0;
            v = ++backValue;
        }

        for (; t < tokens.Length; t++, o = 0)
        {
            var token = tokens[t];
            if (token.Kind == PatternTokenKind.Question || (IsText(token) && o < TextOf(token, values).Length))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsText(in PatternToken token) =>
        token.Kind is PatternTokenKind.Literal or PatternTokenKind.Variable;

    private static string TextOf(in PatternToken token, in VariableValues values) =>
        token.Kind == PatternTokenKind.Literal ? token.Text : values[token.Slot];

    private bool Same(char a, char b) => a == b || (_ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
