// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text.Json;

namespace Nimbus.Core.Metrics;

/// <summary>
/// The canonical text of a dimension set, the key series are stored and looked up by: a JSON array of
/// <c>[name, value]</c> pairs sorted by name (ordinal), <c>[]</c> for none.
/// </summary>
public static class MetricDimensions
{
    public const string None = "[]";

    public static string Encode(IReadOnlyList<MetricDimension> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0)
        {
            return None;
        }

        var sorted = new MetricDimension[dimensions.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = dimensions[i];
        }

        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var dimension in sorted)
            {
                json.WriteStartArray();
                json.WriteStringValue(dimension.Name);
                json.WriteStringValue(dimension.Value);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyList<MetricDimension> Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == None)
        {
            return [];
        }

        using var document = JsonDocument.Parse(text);
        var list = new List<MetricDimension>(document.RootElement.GetArrayLength());
        foreach (var pair in document.RootElement.EnumerateArray())
        {
            list.Add(new MetricDimension(pair[0].GetString() ?? "", pair[1].GetString() ?? ""));
        }

        return list;
    }
}
