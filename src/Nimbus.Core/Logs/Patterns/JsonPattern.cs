// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>A <c>{ ... }</c> pattern: matches events whose message is a JSON object for which the expression holds.</summary>
internal sealed class JsonPattern(JsonCondition condition) : FilterPattern
{
    private readonly string[] _required = Required(condition);

    public override IReadOnlyList<string> RequiredSubstrings => _required;

    public override bool RequiredUnlessUnicodeEscaped => true;

    public override bool IsMatch(string message)
    {
        var span = message.AsSpan().TrimStart();
        if (span.IsEmpty || span[0] != '{')
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(message);
            return condition.Evaluate(document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string[] Required(JsonCondition condition)
    {
        var into = new List<string>();
        condition.CollectRequired(into);
        return [.. into.Distinct(StringComparer.Ordinal)];
    }
}
