// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// One test of a JSON pattern: <c>$.sel op value</c>, <c>IS TRUE/FALSE/NULL</c> or <c>NOT EXISTS</c>. Except for
/// NOT EXISTS, a selector that names nothing fails the test, whatever the operator.
/// </summary>
internal sealed class JsonComparison(JsonSelector selector, JsonTest test, ComparisonOperator op, PatternValue? value) : JsonCondition
{
    public override bool Evaluate(JsonElement root)
    {
        var found = selector.TryResolve(root, out var field);
        switch (test)
        {
            case JsonTest.NotExists:
                return !found;
            case JsonTest.IsNull:
                return found && field.ValueKind == JsonValueKind.Null;
            case JsonTest.IsTrue:
                return found && field.ValueKind == JsonValueKind.True;
            case JsonTest.IsFalse:
                return found && field.ValueKind == JsonValueKind.False;
        }

        if (!found || value is null)
        {
            return false;
        }

        if (value.Number is { } number)
        {
            return field.ValueKind == JsonValueKind.Number && field.TryGetDouble(out var actual) && PatternValue.CompareNumbers(actual, op, number);
        }

        bool equal;
        switch (field.ValueKind)
        {
            case JsonValueKind.String:
                equal = value.MatchesText(field.GetString().AsSpan());
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                equal = value.MatchesText(field.GetRawText());
                break;
            default:
                // Objects, arrays and null equal no string; a lone * means "any value" (exists and is not null).
                equal = value.Text == "*" && field.ValueKind != JsonValueKind.Null;
                break;
        }

        return op == ComparisonOperator.Equal ? equal : !equal;
    }

    /// <summary>An equality's literal text; <c>IS TRUE</c>/<c>FALSE</c>/<c>NULL</c>'s JSON literal.</summary>
    public override void CollectRequired(List<string> into)
    {
        switch (test)
        {
            case JsonTest.IsTrue:
                into.Add("true");
                return;
            case JsonTest.IsFalse:
                into.Add("false");
                return;
            case JsonTest.IsNull:
                into.Add("null");
                return;
            case JsonTest.Compare when op == ComparisonOperator.Equal && value is not null:
                value.CollectLiterals(into, json: true);
                return;
        }
    }
}
