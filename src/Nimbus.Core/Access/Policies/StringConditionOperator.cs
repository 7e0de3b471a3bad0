// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>StringEquals (case-sensitive, <c>*</c> literal), StringEqualsIgnoreCase and StringLike (<c>*</c>, <c>?</c>);
/// policy variables in values are resolved.</summary>
internal sealed class StringConditionOperator(WildcardPattern[] patterns) : ConditionOperator
{
    public override PatternMatch MatchesAny(in ContextScalar value, RequestContext request)
    {
        var outcome = PatternMatch.NoMatch;
        foreach (var pattern in patterns)
        {
            var match = pattern.Match(value.Text, request);
            if (match == PatternMatch.Match)
            {
                return match;
            }

            if (match == PatternMatch.Unresolvable)
            {
                outcome = match;
            }
        }

        return outcome;
    }
}
