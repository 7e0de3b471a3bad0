// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>ArnEquals and ArnLike, which IAM treats alike: segment-wise, case-sensitive, <c>*</c> and <c>?</c> within
/// a segment.</summary>
internal sealed class ArnConditionOperator(ArnPattern[] patterns) : ConditionOperator
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
