// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>The positive form of a condition operator with its policy values, compiled: whether one of the request's
/// values matches any of them (the values of one key OR together).</summary>
internal abstract class ConditionOperator
{
    public abstract PatternMatch MatchesAny(in ContextScalar value, RequestContext request);

    protected static bool Compare(int order, Comparison comparison) => comparison switch
    {
        Comparison.Equals => order == 0,
        Comparison.LessThan => order < 0,
        Comparison.LessThanEquals => order <= 0,
        Comparison.GreaterThan => order > 0,
        _ => order >= 0,
    };
}
