// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;

namespace Nimbus.Core.Logs.Patterns;

/// <summary>A property selector: <c>$.a.b</c>, <c>$.a[0].c</c>.</summary>
internal sealed class JsonSelector
{
    // A segment is a property name, or an array index when Name is null.
    private readonly (string? Name, int Index)[] _segments;

    private JsonSelector(string text, (string? Name, int Index)[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    public static JsonSelector Parse(string text, in PatternReader reader)
    {
        if (text.Length < 2 || text[0] != '$')
        {
            throw reader.Error($"a selector must start with '$.', not '{text}'");
        }

        var segments = new List<(string?, int)>();
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var start = ++i;
                while (i < text.Length && text[i] is not '.' and not '[')
                {
                    i++;
                }

                if (i == start)
                {
                    throw reader.Error($"an empty property name in selector '{text}'");
                }

                segments.Add((text[start..i], 0));
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0 || !int.TryParse(text.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw reader.Error($"an array index in selector '{text}' must be a number in brackets");
                }

                segments.Add((null, index));
                i = end + 1;
            }
            else
            {
                throw reader.Error($"unexpected '{text[i]}' in selector '{text}'");
            }
        }

        return new JsonSelector(text, [.. segments]);
    }

    public bool TryResolve(JsonElement root, out JsonElement value)
    {
        value = root;
        foreach (var (name, index) in _segments)
        {
            if (name is not null)
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value))
                {
                    return false;
                }
            }
            else if (value.ValueKind != JsonValueKind.Array || index >= value.GetArrayLength())
            {
                return false;
            }
            else
            {
                value = value[index];
            }
        }

        return true;
    }
}
