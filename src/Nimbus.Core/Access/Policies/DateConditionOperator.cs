// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>Date operators over ISO 8601 or epoch-seconds values, to the tick in UTC; an unparsable value on either
/// side matches nothing.</summary>
internal sealed class DateConditionOperator(Comparison comparison, DateTimeOffset?[] values) : ConditionOperator
{
    public override PatternMatch MatchesAny(in ContextScalar value, RequestContext request)
    {
        if (!value.HasDate)
        {
            return PatternMatch.NoMatch;
        }

        foreach (var limit in values)
        {
            if (limit is { } date && Compare(value.Date.UtcTicks.CompareTo(date.UtcTicks), comparison))
            {
                return PatternMatch.Match;
            }
        }

        return PatternMatch.NoMatch;
    }
}
