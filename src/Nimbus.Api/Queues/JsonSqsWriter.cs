// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

/// <summary>The JSON protocol's response body: one object.</summary>
internal sealed class JsonSqsWriter(Utf8JsonWriter json) : SqsWriter
{
    public override void String(string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    public override void Bool(string name, bool value) => json.WriteBoolean(name, value);

    public override void StringList(string member, string queryName, IEnumerable<string> values)
    {
        json.WriteStartArray(member);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    public override void StringMap(string member, string queryName, string keyName, string valueName, IReadOnlyDictionary<string, string> map)
    {
        json.WriteStartObject(member);
        foreach (var (key, value) in map)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    public override void MessageAttributes(string member, string queryName, IReadOnlyDictionary<string, MessageAttributeValue> attributes)
    {
        json.WriteStartObject(member);
        foreach (var (name, value) in attributes)
        {
            json.WriteStartObject(name);
            if (value.IsBinary)
            {
                json.WriteBase64String("BinaryValue", value.BinaryValue ?? []);
            }
            else
            {
                json.WriteString("StringValue", value.StringValue);
            }

            json.WriteString("DataType", value.DataType);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    public override void StartList(string member, string queryName) => json.WriteStartArray(member);

    public override void StartItem() => json.WriteStartObject();

    public override void EndItem() => json.WriteEndObject();

    public override void EndList() => json.WriteEndArray();
}
