// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;

namespace Nimbus.Core.Access.Policies;

public static partial class PolicyParser
{
    private const string IfExistsSuffix = "IfExists";

    /// <summary>
    /// <c>"Condition": {"Operator": {"key": value or [values]}}</c>. Operator names are matched as IAM spells them
    /// (IAM User Guide, reference_policies_elements_condition_operators); values are strings, numbers or booleans.
    /// </summary>
    private static ConditionClause[] ReadConditions(JsonElement block, bool variables)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            throw Fail(PolicyErrors.Syntax());
        }

        var clauses = new List<ConditionClause>();
        foreach (var operatorBlock in block.EnumerateObject())
        {
            if (operatorBlock.Value.ValueKind != JsonValueKind.Object)
            {
                throw Fail(PolicyErrors.Syntax());
            }

            foreach (var entry in operatorBlock.Value.EnumerateObject())
            {
                if (!HasVendor(entry.Name))
                {
                    throw Fail(PolicyErrors.Malformed(PolicyErrors.MissingVendor));
                }

                clauses.Add(ReadClause(operatorBlock.Name, entry.Name, ConditionValues(entry.Value), variables));
            }
        }

        return [.. clauses];
    }

    private static string[] ConditionValues(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            var values = new string[value.GetArrayLength()];
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                values[i++] = ConditionScalar(item);
            }

            return values;
        }

        return [ConditionScalar(value)];
    }

    private static string ConditionScalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw Fail(PolicyErrors.Syntax()),
    };

    private static ConditionClause ReadClause(string name, string key, string[] values, bool variables)
    {
        var type = name.AsSpan();
        var qualifier = SetQualifier.None;
        if (type.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAnyValue;
            type = type["ForAnyValue:".Length..];
        }
        else if (type.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAllValues;
            type = type["ForAllValues:".Length..];
        }

        var ifExists = type.EndsWith(IfExistsSuffix, StringComparison.Ordinal) && type.Length > IfExistsSuffix.Length;
        if (ifExists)
        {
            type = type[..^IfExistsSuffix.Length];
        }

        if (type is "Null")
        {
            return ifExists || qualifier != SetQualifier.None
                ? throw Fail(PolicyErrors.InvalidConditionType(name))
                : ConditionClause.Null(key, [.. values.Where(v => bool.TryParse(v, out _)).Select(bool.Parse)]);
        }

        var (op, negated) = type switch
        {
            "StringEquals" => Op(Strings(values, false, variables, false), false),
            "StringNotEquals" => Op(Strings(values, false, variables, false), true),
            "StringEqualsIgnoreCase" => Op(Strings(values, false, variables, true), false),
            "StringNotEqualsIgnoreCase" => Op(Strings(values, false, variables, true), true),
            "StringLike" => Op(Strings(values, true, variables, false), false),
            "StringNotLike" => Op(Strings(values, true, variables, false), true),
            "NumericEquals" => Op(Numbers(values, Comparison.Equals), false),
            "NumericNotEquals" => Op(Numbers(values, Comparison.Equals), true),
            "NumericLessThan" => Op(Numbers(values, Comparison.LessThan), false),
            "NumericLessThanEquals" => Op(Numbers(values, Comparison.LessThanEquals), false),
            "NumericGreaterThan" => Op(Numbers(values, Comparison.GreaterThan), false),
            "NumericGreaterThanEquals" => Op(Numbers(values, Comparison.GreaterThanEquals), false),
            "DateEquals" => Op(Dates(values, Comparison.Equals), false),
            "DateNotEquals" => Op(Dates(values, Comparison.Equals), true),
            "DateLessThan" => Op(Dates(values, Comparison.LessThan), false),
            "DateLessThanEquals" => Op(Dates(values, Comparison.LessThanEquals), false),
            "DateGreaterThan" => Op(Dates(values, Comparison.GreaterThan), false),
            "DateGreaterThanEquals" => Op(Dates(values, Comparison.GreaterThanEquals), false),
            "Bool" => Op(new BoolConditionOperator([.. values.Select(v => bool.TryParse(v, out var b) ? b : (bool?)null)]), false),
            "BinaryEquals" => Op(new BinaryConditionOperator(values), false),
            "IpAddress" => Op(Ips(values), false),
            "NotIpAddress" => Op(Ips(values), true),
            "ArnEquals" or "ArnLike" => Op(Arns(values, variables), false),
            "ArnNotEquals" or "ArnNotLike" => Op(Arns(values, variables), true),
            _ => throw Fail(PolicyErrors.InvalidConditionType(name)),
        };

        return ConditionClause.Create(key, qualifier, negated, ifExists, op);
    }

    private static (ConditionOperator Operator, bool Negated) Op(ConditionOperator op, bool negated) => (op, negated);

    private static PatternConditionOperator<WildcardPattern> Strings(string[] values, bool wildcards, bool variables, bool ignoreCase) =>
        new PatternConditionOperator<WildcardPattern>([.. values.Select(v => WildcardPattern.Compile(v, wildcards, variables, ignoreCase))]);

    private static PatternConditionOperator<ArnPattern> Arns(string[] values, bool variables) =>
        new PatternConditionOperator<ArnPattern>([.. values.Select(v => ArnPattern.Compile(v, variables))]);

    private static NumericConditionOperator Numbers(string[] values, Comparison comparison) =>
        new NumericConditionOperator(comparison, [.. values.Select(v =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN)]);

    private static DateConditionOperator Dates(string[] values, Comparison comparison) =>
        new DateConditionOperator(comparison, [.. values.Select(v =>
            ContextScalar.TryParseDate(v.AsSpan().Trim(), out var d) ? d : (DateTimeOffset?)null)]);

    private static IpConditionOperator Ips(string[] values) =>
        new IpConditionOperator([.. values.Select(IpConditionOperator.ParseRange)]);
}
