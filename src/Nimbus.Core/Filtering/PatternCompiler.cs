// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Filtering;

/// <summary>
/// Compiles a pattern's JSON into the matching tree, refusing what EventBridge's rule compiler refuses: a pattern
/// that is not an object, an empty object or array, a field that is neither object nor array, nested arrays in a
/// leaf, unknown or malformed match expressions, and a <c>$or</c> that is not an array of two or more objects or
/// that names an operator as a field.
/// </summary>
internal static partial class PatternCompiler
{
    private const string Or = "$or";

    /// <summary>The operator names EventBridge will not take as field names inside <c>$or</c>.</summary>
    private static readonly HashSet<string> s_reservedInOr = new(StringComparer.Ordinal)
    {
        "anything-but", "cidr", "equals-ignore-case", "exists", "numeric", "prefix", "suffix", "wildcard",
    };

    public static ObjectPattern Compile(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid();
        }

        return CompileObject(root, insideOr: false);
    }

    /// <summary>AWS answers every malformed pattern with the same InvalidParameterValueException.</summary>
    public static LambdaException Invalid() => LambdaErrors.InvalidParameter(EventFilter.InvalidPatternMessage);

    private static ObjectPattern CompileObject(JsonElement obj, bool insideOr)
    {
        List<FieldPattern> fields = [];
        List<ObjectPattern[]> orGroups = [];
        foreach (var property in obj.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            if (name == Or)
            {
                orGroups.Add(CompileOr(value));
                continue;
            }

            if (insideOr && s_reservedInOr.Contains(name))
            {
                throw Invalid();
            }

            fields.Add(value.ValueKind switch
            {
                JsonValueKind.Object => new FieldPattern(name, CompileObject(value, insideOr)),
                JsonValueKind.Array => new FieldPattern(name, CompileLeaf(value)),
                _ => throw Invalid(),
            });
        }

        if (fields.Count == 0 && orGroups.Count == 0)
        {
            throw Invalid();
        }

        return new ObjectPattern([.. fields], [.. orGroups]);
    }

    private static ObjectPattern[] CompileOr(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() < 2)
        {
            throw Invalid();
        }

        var alternatives = new ObjectPattern[value.GetArrayLength()];
        var i = 0;
        foreach (var alternative in value.EnumerateArray())
        {
            if (alternative.ValueKind != JsonValueKind.Object)
            {
                throw Invalid();
            }

            alternatives[i++] = CompileObject(alternative, insideOr: true);
        }

        return alternatives;
    }

    private static LeafPattern CompileLeaf(JsonElement array)
    {
        if (array.GetArrayLength() == 0)
        {
            throw Invalid();
        }

        List<ValueMatcher> matchers = [];
        bool existsTrue = false, existsFalse = false;
        foreach (var item in array.EnumerateArray())
        {
            switch (item.ValueKind)
            {
                case JsonValueKind.String:
                    matchers.Add(ExactMatcher.String(item.GetString()!)); // a String element always has a string
                    break;
                case JsonValueKind.Number:
                    matchers.Add(ExactMatcher.Number(Number(item)));
                    break;
                case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    matchers.Add(ExactMatcher.Literal(item.ValueKind));
                    break;
                case JsonValueKind.Object when IsExists(item, out var exists):
                    existsTrue |= exists;
                    existsFalse |= !exists;
                    break;
                case JsonValueKind.Object:
                    matchers.Add(CompileExpression(item));
                    break;
                default:
                    throw Invalid();
            }
        }

        return new LeafPattern([.. matchers], existsTrue, existsFalse);
    }

    private static bool IsExists(JsonElement expression, out bool exists)
    {
        exists = false;
        if (!TrySingle(expression, out var name, out var value) || name != "exists")
        {
            return false;
        }

        exists = value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(),
        };
        return true;
    }

    /// <summary>A match expression has exactly one key.</summary>
    private static bool TrySingle(JsonElement expression, out string name, out JsonElement value)
    {
        name = "";
        value = default;
        var count = 0;
        foreach (var property in expression.EnumerateObject())
        {
            if (++count > 1)
            {
                throw Invalid();
            }

            name = property.Name;
            value = property.Value;
        }

        if (count == 0)
        {
            throw Invalid();
        }

        return true;
    }

    private static double Number(JsonElement number) =>
        number.TryGetDouble(out var value) && double.IsFinite(value) ? value : throw Invalid();

    private static string NonEmptyString(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : throw Invalid();

    private static string String(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(); // a String element always has a string
}
