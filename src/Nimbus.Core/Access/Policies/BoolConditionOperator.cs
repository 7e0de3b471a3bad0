// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>Bool: <c>true</c>/<c>false</c>, case-insensitive, JSON booleans or strings in the policy.</summary>
internal sealed class BoolConditionOperator(bool?[] values) : ConditionOperator
{
    public override PatternMatch MatchesAny(in ContextScalar value, RequestContext request)
    {
        if (!value.HasBool)
        {
            return PatternMatch.NoMatch;
        }

        foreach (var expected in values)
        {
            if (expected == value.Bool)
            {
                return PatternMatch.Match;
            }
        }

        return PatternMatch.NoMatch;
    }
}
