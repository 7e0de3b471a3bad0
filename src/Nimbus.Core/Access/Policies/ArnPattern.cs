// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// A Resource, NotResource or ArnLike/ArnEquals value matched segment by segment: <c>*</c> and <c>?</c> stay within
/// one of the first five colon-separated segments (partition, service, region, account), case-sensitively; the last
/// segment the pattern spells out matches the rest of the ARN, colons included, so <c>arn:aws:lambda:*</c> and
/// <c>...:function:*</c> reach qualified ARNs (IAM User Guide, reference_policies_elements_resource and
/// reference_policies_elements_condition_operators, "ARN condition operators").
/// </summary>
internal sealed class ArnPattern : IValuePattern
{
    private const int Segments = 6;
    private readonly WildcardPattern[] _segments;

    private ArnPattern(WildcardPattern[] segments, string text)
    {
        _segments = segments;
        Text = text;
        IsMatchAll = segments.Length == 1 && segments[0].IsMatchAll;
    }

    public string Text { get; }

    public bool IsMatchAll { get; }

    public static ArnPattern Compile(string text, bool variables)
    {
        var tokens = PatternTokenizer.Tokenize(text, wildcards: true, variables);
        var segments = new List<WildcardPattern>();
        var current = new List<PatternToken>();
        foreach (var token in tokens)
        {
            if (token.Kind != PatternTokenKind.Literal)
            {
                current.Add(token);
                continue;
            }

            var literal = token.Text.AsSpan();
            int colon;
            while (segments.Count < Segments - 1 && (colon = literal.IndexOf(':')) >= 0)
            {
                if (colon > 0)
                {
                    current.Add(token with { Text = literal[..colon].ToString() });
                }

                segments.Add(new WildcardPattern([.. current], ignoreCase: false));
                current.Clear();
                literal = literal[(colon + 1)..];
            }

            if (literal.Length > 0)
            {
                current.Add(token with { Text = literal.ToString() });
            }
        }

        segments.Add(new WildcardPattern([.. current], ignoreCase: false));
        return new ArnPattern([.. segments], text);
    }

    public PatternMatch Match(ReadOnlySpan<char> value, RequestContext request)
    {
        if (IsMatchAll)
        {
            return PatternMatch.Match;
        }

        var outcome = PatternMatch.Match;
        for (var i = 0; i < _segments.Length; i++)
        {
            ReadOnlySpan<char> part;
            if (i == _segments.Length - 1)
            {
                part = value;
            }
            else
            {
                var colon = value.IndexOf(':');
                if (colon < 0)
                {
                    return PatternMatch.NoMatch;
                }

                part = value[..colon];
                value = value[(colon + 1)..];
            }

            var segment = _segments[i].Match(part, request);
            if (segment == PatternMatch.Unresolvable)
            {
                return segment;
            }

            if (segment == PatternMatch.NoMatch)
            {
                outcome = PatternMatch.NoMatch;
            }
        }

        return outcome;
    }
}
