// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// The operators that match a value against a list of compiled patterns: the String family (<see cref="WildcardPattern"/>:
/// StringEquals case-sensitive with <c>*</c> literal, StringEqualsIgnoreCase, StringLike with <c>*</c> and <c>?</c>) and
/// ArnEquals/ArnLike, which IAM treats alike (<see cref="ArnPattern"/>: segment-wise, case-sensitive, wildcards within a
/// segment). Policy variables in the values are resolved; one that cannot be makes the value unresolvable.
/// </summary>
internal sealed class PatternConditionOperator<TPattern>(TPattern[] patterns) : ConditionOperator
    where TPattern : IValuePattern
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
