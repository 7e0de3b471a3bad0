// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Api.CloudWatch;

/// <summary>awsJson1_0: structures and maps as objects, lists as arrays, timestamps as epoch seconds.</summary>
internal sealed class JsonCloudWatchWriter(Utf8JsonWriter json) : ICloudWatchWriter
{
    public void StartStructure(string? name, int members)
    {
        Key(name);
        json.WriteStartObject();
    }

    public void EndStructure() => json.WriteEndObject();

    public void StartList(string name, int items)
    {
        Key(name);
        json.WriteStartArray();
    }

    public void EndList() => json.WriteEndArray();

    public void Map(string name, IReadOnlyList<KeyValuePair<string, double>> entries)
    {
        Key(name);
        json.WriteStartObject();
        foreach (var (key, value) in entries)
        {
            json.WriteNumber(key, value);
        }

        json.WriteEndObject();
    }

    public void String(string? name, string value)
    {
        Key(name);
        json.WriteStringValue(value);
    }

    public void Double(string? name, double value)
    {
        Key(name);
        json.WriteNumberValue(value);
    }

    public void Timestamp(string? name, DateTimeOffset value)
    {
        Key(name);
        json.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000.0);
    }

    private void Key(string? name)
    {
        if (name is not null)
        {
            json.WritePropertyName(name);
        }
    }
}
