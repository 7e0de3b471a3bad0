// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Nimbus.Core.Filtering;

/// <summary>The match expressions of a leaf: <c>{"prefix": ...}</c>, <c>{"numeric": [...]}</c>, <c>{"anything-but": ...}</c> and the rest.</summary>
internal static partial class PatternCompiler
{
    private static ValueMatcher CompileExpression(JsonElement expression)
    {
        TrySingle(expression, out var name, out var value);
        return name switch
        {
            "prefix" => value.ValueKind == JsonValueKind.Object
                ? new PrefixMatcher(IgnoreCaseOperand(value), ignoreCase: true)
                : new PrefixMatcher(String(value), ignoreCase: false),
            "suffix" => value.ValueKind == JsonValueKind.Object
                ? new SuffixMatcher(IgnoreCaseOperand(value), ignoreCase: true)
                : new SuffixMatcher(String(value), ignoreCase: false),
            "equals-ignore-case" => new EqualsIgnoreCaseMatcher(String(value)),
            "wildcard" => Wildcard(String(value)),
            "numeric" => Numeric(value),
            "cidr" => Cidr(String(value)),
            "anything-but" => AnythingBut(value),
            _ => throw Invalid(),
        };
    }

    /// <summary>The <c>{"equals-ignore-case": "..."}</c> inside a prefix or suffix.</summary>
    private static string IgnoreCaseOperand(JsonElement value)
    {
        TrySingle(value, out var name, out var operand);
        return name == "equals-ignore-case" ? String(operand) : throw Invalid();
    }

    /// <summary>
    /// <c>["=", n]</c>, <c>["&lt;" | "&lt;=", n]</c>, or <c>[">" | ">=", n]</c> optionally followed by
    /// <c>"&lt;" | "&lt;=", m</c> with n below m.
    /// </summary>
    private static NumericMatcher Numeric(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid();
        }

        var terms = value.GetArrayLength();
        if (terms is not (2 or 4))
        {
            throw Invalid();
        }

        var op = String(value[0]);
        var n = NumericOperand(value[1]);
        if (terms == 2)
        {
            return op switch
            {
                "=" => new NumericMatcher(n, true, n, true),
                "<" => new NumericMatcher(double.NegativeInfinity, true, n, false),
                "<=" => new NumericMatcher(double.NegativeInfinity, true, n, true),
                ">" => new NumericMatcher(n, false, double.PositiveInfinity, true),
                ">=" => new NumericMatcher(n, true, double.PositiveInfinity, true),
                _ => throw Invalid(),
            };
        }

        var lowerInclusive = op switch
        {
            ">" => false,
            ">=" => true,
            _ => throw Invalid(),
        };
        var upperInclusive = String(value[2]) switch
        {
            "<" => false,
            "<=" => true,
            _ => throw Invalid(),
        };
        var m = NumericOperand(value[3]);
        return n < m ? new NumericMatcher(n, lowerInclusive, m, upperInclusive) : throw Invalid();
    }

    private static double NumericOperand(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? Number(value) : throw Invalid();

    /// <summary>
    /// A single string or number, a list of only strings or only numbers, or an object with one of prefix, suffix,
    /// equals-ignore-case or wildcard holding a string or a list of strings (prefix and suffix non-empty).
    /// </summary>
    private static AnythingButMatcher AnythingBut(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return new AnythingButMatcher([ExactMatcher.String(value.GetString()!)]); // a String element always has a string
            case JsonValueKind.Number:
                return new AnythingButMatcher([ExactMatcher.Number(Number(value))]);
            case JsonValueKind.Array:
                return new AnythingButMatcher(AnythingButList(value));
            case JsonValueKind.Object:
                TrySingle(value, out var name, out var operand);
                Func<JsonElement, ValueMatcher> make = name switch
                {
                    "prefix" => e => new PrefixMatcher(NonEmptyString(e), ignoreCase: false),
                    "suffix" => e => new SuffixMatcher(NonEmptyString(e), ignoreCase: false),
                    "equals-ignore-case" => e => new EqualsIgnoreCaseMatcher(String(e)),
                    "wildcard" => e => Wildcard(String(e)),
                    _ => throw Invalid(),
                };
                if (operand.ValueKind != JsonValueKind.Array)
                {
                    return new AnythingButMatcher([make(operand)]);
                }

                if (operand.GetArrayLength() == 0)
                {
                    throw Invalid();
                }

                return new AnythingButMatcher([.. operand.EnumerateArray().Select(make)]);
            default:
                throw Invalid();
        }
    }

    private static ValueMatcher[] AnythingButList(JsonElement list)
    {
        var length = list.GetArrayLength();
        if (length == 0)
        {
            throw Invalid();
        }

        var kind = list[0].ValueKind;
        var matchers = new ValueMatcher[length];
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            matchers[i++] = (kind, item.ValueKind) switch
            {
                (JsonValueKind.String, JsonValueKind.String) => ExactMatcher.String(item.GetString()!), // a String element always has a string
                (JsonValueKind.Number, JsonValueKind.Number) => ExactMatcher.Number(Number(item)),
                _ => throw Invalid(),
            };
        }

        return matchers;
    }

    /// <summary>
    /// EventBridge's wildcard rules: no two stars in a row; a backslash escapes only a star or a backslash.
    /// </summary>
    private static WildcardMatcher Wildcard(string pattern)
    {
        List<string> parts = [];
        var part = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length || pattern[i + 1] is not ('*' or '\\'))
                {
                    throw Invalid();
                }

                part.Append(pattern[++i]);
            }
            else if (c == '*')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    throw Invalid();
                }

                parts.Add(part.ToString());
                part.Clear();
            }
            else
            {
                part.Append(c);
            }
        }

        parts.Add(part.ToString());
        return new WildcardMatcher([.. parts]);
    }

    /// <summary>An IPv4 or IPv6 network "address/prefix"; host bits in the address are ignored.</summary>
    private static CidrMatcher Cidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address) ||
            !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            throw Invalid();
        }

        var bytes = address.GetAddressBytes();
        if (prefix > bytes.Length * 8)
        {
            throw Invalid();
        }

        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new CidrMatcher(new IPNetwork(new IPAddress(bytes), prefix));
    }
}
