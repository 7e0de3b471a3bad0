// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// Parses <c>{ expression }</c>: tests joined by <c>&amp;&amp;</c> (binding tighter) and <c>||</c>, grouped by
/// parentheses.
/// </summary>
internal static class JsonPatternParser
{
    private const int MaxDepth = 64;

    public static JsonPattern Parse(string text)
    {
        var reader = new PatternReader(text);
        reader.Expect("{");
        var condition = ParseOr(ref reader, 0);
        reader.Expect("}");
        reader.SkipSpace();
        return reader.AtEnd ? new JsonPattern(condition) : throw reader.Error("unexpected text after '}'");
    }

    private static JsonCondition ParseOr(ref PatternReader reader, int depth)
    {
        var left = ParseAnd(ref reader, depth);
        while (reader.Accept("||"))
        {
            left = new JsonLogical(left, ParseAnd(ref reader, depth), and: false);
        }

        return left;
    }

    private static JsonCondition ParseAnd(ref PatternReader reader, int depth)
    {
        var left = ParseUnary(ref reader, depth);
        while (reader.Accept("&&"))
        {
            left = new JsonLogical(left, ParseUnary(ref reader, depth), and: true);
        }

        return left;
    }

    private static JsonCondition ParseUnary(ref PatternReader reader, int depth)
    {
        if (reader.Accept("("))
        {
            if (depth >= MaxDepth)
            {
                throw reader.Error("parentheses nested too deeply");
            }

            var inner = ParseOr(ref reader, depth + 1);
            reader.Expect(")");
            return inner;
        }

        var selectorText = reader.ReadWord(brackets: true);
        if (selectorText.Length == 0)
        {
            throw reader.Error("expected a selector such as $.field");
        }

        var selector = JsonSelector.Parse(selectorText, reader);
        if (reader.AcceptWord("IS"))
        {
            var test = reader.AcceptWord("NULL") ? JsonTest.IsNull
                : reader.AcceptWord("TRUE") ? JsonTest.IsTrue
                : reader.AcceptWord("FALSE") ? JsonTest.IsFalse
                : throw reader.Error("expected NULL, TRUE or FALSE after IS");
            return new JsonComparison(selector, test, ComparisonOperator.Equal, null);
        }

        if (reader.AcceptWord("NOT"))
        {
            return reader.AcceptWord("EXISTS")
                ? new JsonComparison(selector, JsonTest.NotExists, ComparisonOperator.Equal, null)
                : throw reader.Error("expected EXISTS after NOT");
        }

        var op = reader.AcceptOperator() ?? throw reader.Error($"expected an operator after {selector.Text}");
        var value = reader.ReadValue();
        if (value.Number is null && op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
        {
            throw reader.Error($"strings can only be compared with = or !=, not in {selector.Text}");
        }

        return new JsonComparison(selector, JsonTest.Compare, op, value);
    }
}
