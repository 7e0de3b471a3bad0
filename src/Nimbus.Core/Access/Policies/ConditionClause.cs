// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// One operator and key of a Condition block with its values, evaluated as the IAM User Guide documents
/// (reference_policies_condition-logic-multiple-context-keys-or-values, reference_policies_condition-single-vs-multi-valued-context-keys):
/// the values OR together; a negated operator (StringNotEquals, NotIpAddress, ...) is true when the request's value
/// matches none of them (NOR); a key absent from the request makes the clause false, except that a negated operator
/// is then true, <c>...IfExists</c> is then true, <c>ForAllValues</c> is then true and <c>ForAnyValue</c> false.
/// With a set operator the positive test is applied to each of the request's values: ForAnyValue wants one that passes,
/// ForAllValues wants all to pass; a negated operator's test is "matches none of the policy's values".
/// </summary>
internal sealed class ConditionClause
{
    private readonly ConditionOperator? _operator;
    private readonly bool[] _nullValues;

    private ConditionClause(string key, SetQualifier qualifier, bool negated, bool ifExists, ConditionOperator? op, bool[] nullValues)
    {
        Key = key;
        Qualifier = qualifier;
        Negated = negated;
        IfExists = ifExists;
        _operator = op;
        _nullValues = nullValues;
    }

    public string Key { get; }

    public SetQualifier Qualifier { get; }

    public bool Negated { get; }

    public bool IfExists { get; }

    public static ConditionClause Create(string key, SetQualifier qualifier, bool negated, bool ifExists, ConditionOperator op) =>
        new(key, qualifier, negated, ifExists, op, []);

    /// <summary>The Null operator: <c>true</c> wants the key absent, <c>false</c> present (values that are neither
    /// are left out by the parser and never match).</summary>
    public static ConditionClause Null(string key, bool[] expected) =>
        new(key, SetQualifier.None, negated: false, ifExists: false, null, expected);

    /// <summary>True when the clause holds; false when it does not or a policy variable in it cannot be resolved
    /// (the statement then does not apply either way).</summary>
    public bool Holds(RequestContext request)
    {
        var present = request.Keys.TryGet(Key, out var value) && value.Count > 0;
        if (_operator is null)
        {
            foreach (var expected in _nullValues)
            {
                if (expected != present)
                {
                    return true;
                }
            }

            return false;
        }

        if (!present)
        {
            return IfExists || Qualifier == SetQualifier.ForAllValues || (Negated && Qualifier == SetQualifier.None);
        }

        var any = false;
        var all = true;
        for (var i = 0; i < value!.Count; i++)
        {
            var match = _operator.MatchesAny(in value[i], request);
            if (match == PatternMatch.Unresolvable)
            {
                return false;
            }

            var passes = (match == PatternMatch.Match) != (Negated && Qualifier != SetQualifier.None);
            any |= passes;
            all &= passes;
        }

        return Qualifier switch
        {
            SetQualifier.ForAllValues => all,
            SetQualifier.ForAnyValue => any,
            _ => any != Negated,
        };
    }
}
