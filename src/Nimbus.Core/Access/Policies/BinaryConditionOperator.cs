// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>BinaryEquals: the base-64 text of the policy value against the request's, byte for byte.</summary>
internal sealed class BinaryConditionOperator(string[] values) : ConditionOperator
{
    public override PatternMatch MatchesAny(in ContextScalar value, RequestContext request)
    {
        foreach (var expected in values)
        {
            if (string.Equals(expected, value.Text, StringComparison.Ordinal))
            {
                return PatternMatch.Match;
            }
        }

        return PatternMatch.NoMatch;
    }
}
