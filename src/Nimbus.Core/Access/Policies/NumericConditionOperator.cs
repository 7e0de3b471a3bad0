// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>Numeric operators; a request value that is not a number matches nothing. A policy value that is not a
/// number is kept as NaN and matches nothing either (IAM's refusal text for it is not known).</summary>
internal sealed class NumericConditionOperator(Comparison comparison, double[] values) : ConditionOperator
{
    public override PatternMatch MatchesAny(in ContextScalar value, RequestContext request)
    {
        if (!value.HasNumber)
        {
            return PatternMatch.NoMatch;
        }

        foreach (var limit in values)
        {
            if (!double.IsNaN(limit) && Compare(value.Number.CompareTo(limit), comparison))
            {
                return PatternMatch.Match;
            }
        }

        return PatternMatch.NoMatch;
    }
}
