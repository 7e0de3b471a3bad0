// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary><c>field op value</c> in a space-delimited pattern; numbers compare numerically when the field is one.</summary>
internal sealed class FieldComparison(ComparisonOperator op, PatternValue value) : FieldCondition
{
    public override bool Evaluate(ReadOnlySpan<char> field)
    {
        if (value.Number is { } number)
        {
            if (PatternValue.TryNumber(field, out var actual))
            {
                return PatternValue.CompareNumbers(actual, op, number);
            }

            if (op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
            {
                return false;
            }
        }

        var equal = value.MatchesText(field);
        return op == ComparisonOperator.Equal ? equal : !equal;
    }

    public override void CollectRequired(List<string> into)
    {
        if (op == ComparisonOperator.Equal)
        {
            value.CollectLiterals(into, json: false);
        }
    }
}
