// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// Parses <c>[ip, user, ..., status_code = 5*, bytes &gt; 1000]</c>: comma-separated fields, each a name, <c>...</c>,
/// or a name with tests on it (<c>status_code = 4* || status_code = 5*</c>).
/// </summary>
internal static class DelimitedPatternParser
{
    private const int MaxFields = 200;

    public static DelimitedPattern Parse(string text)
    {
        var reader = new PatternReader(text);
        reader.Expect("[");
        var fields = new List<FieldCondition?>();
        var ellipsis = new List<bool>();
        do
        {
            if (fields.Count >= MaxFields)
            {
                throw reader.Error($"more than {MaxFields} fields");
            }

            if (reader.Accept("..."))
            {
                fields.Add(null);
                ellipsis.Add(true);
                continue;
            }

            var name = reader.ReadWord();
            if (name.Length == 0)
            {
                throw reader.Error("expected a field name or ...");
            }

            fields.Add(ParseTests(ref reader, name));
            ellipsis.Add(false);
        }
        while (reader.Accept(","));

        reader.Expect("]");
        reader.SkipSpace();
        return reader.AtEnd ? new DelimitedPattern([.. fields], [.. ellipsis]) : throw reader.Error("unexpected text after ']'");
    }

    private static FieldCondition? ParseTests(ref PatternReader reader, string name)
    {
        if (reader.AcceptOperator() is not { } op)
        {
            return null;
        }

        var left = ParseAnd(ref reader, name, op);
        while (reader.Accept("||"))
        {
            left = new FieldLogical(left, ParseAnd(ref reader, name, ExpectTest(ref reader, name)), and: false);
        }

        return left;
    }

    private static FieldCondition ParseAnd(ref PatternReader reader, string name, ComparisonOperator op)
    {
        FieldCondition left = Comparison(ref reader, name, op);
        while (reader.Accept("&&"))
        {
            left = new FieldLogical(left, Comparison(ref reader, name, ExpectTest(ref reader, name)), and: true);
        }

        return left;
    }

    private static ComparisonOperator ExpectTest(ref PatternReader reader, string name)
    {
        var other = reader.ReadWord();
        if (other != name)
        {
            throw reader.Error($"the tests of field '{name}' must all name it, not '{other}'");
        }

        return reader.AcceptOperator() ?? throw reader.Error($"expected an operator after {name}");
    }

    private static FieldComparison Comparison(ref PatternReader reader, string name, ComparisonOperator op)
    {
        var value = reader.ReadValue();
        if (value.Number is null && op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
        {
            throw reader.Error($"strings can only be compared with = or !=, not in field '{name}'");
        }

        return new FieldComparison(op, value);
    }
}
