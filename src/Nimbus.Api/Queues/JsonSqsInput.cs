// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

/// <summary>Parameters of the JSON protocol (<c>application/x-amz-json-1.0</c>, <c>X-Amz-Target: AmazonSQS.*</c>).</summary>
internal sealed class JsonSqsInput(JsonElement root) : SqsInput
{
    public override string? String(string member) =>
        Member(member) is { } value ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString() : null;

    public override int? Int(string member)
    {
        if (Member(member) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : ParseInt(member, value.ToString());
    }

    public override IReadOnlyList<string>? StringList(string member, string queryName)
    {
        if (Member(member) is not { ValueKind: JsonValueKind.Array } array)
        {
            return null;
        }

        var list = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString() ?? string.Empty : item.ToString());
        }

        return list;
    }

    public override Dictionary<string, string>? StringMap(string member, string queryName, string keyName, string valueName)
    {
        if (Member(member) is not { ValueKind: JsonValueKind.Object } map)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? string.Empty : property.Value.ToString();
        }

        return result;
    }

    public override Dictionary<string, MessageAttributeValue>? MessageAttributes(string member, string queryName)
    {
        if (Member(member) is not { ValueKind: JsonValueKind.Object } map)
        {
            return null;
        }

        var result = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            var value = new JsonSqsInput(property.Value);
            byte[]? binary = null;
            if (value.String("BinaryValue") is { } base64)
            {
                try
                {
                    binary = Convert.FromBase64String(base64);
                }
                catch (FormatException)
                {
                    throw QueueErrors.InvalidParameterValue($"The message attribute '{property.Name}' has an invalid binary value.");
                }
            }

            result[property.Name] = new MessageAttributeValue
            {
                DataType = value.String("DataType") ?? string.Empty,
                StringValue = value.String("StringValue"),
                BinaryValue = binary,
            };
        }

        return result;
    }

    public override IReadOnlyList<SqsInput> Entries(string member, string queryName)
    {
        if (Member(member) is not { ValueKind: JsonValueKind.Array } array)
        {
            return [];
        }

        var entries = new List<SqsInput>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            entries.Add(new JsonSqsInput(item));
        }

        return entries;
    }

    private JsonElement? Member(string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
