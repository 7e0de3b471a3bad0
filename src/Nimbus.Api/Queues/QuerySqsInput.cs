// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

/// <summary>
/// Parameters of the query protocol (form-encoded <c>Action=…</c>): lists and maps are flattened, e.g.
/// <c>AttributeName.1=All</c>, <c>Attribute.1.Name=DelaySeconds&amp;Attribute.1.Value=5</c>,
/// <c>SendMessageBatchRequestEntry.2.MessageBody=…</c>, <c>MessageAttribute.1.Value.StringValue=…</c>.
/// </summary>
internal sealed class QuerySqsInput(IReadOnlyDictionary<string, string> form, string prefix = "") : SqsInput
{
    public override string? String(string member) => form.TryGetValue(prefix + member, out var value) ? value : null;

    public override int? Int(string member) => String(member) is { Length: > 0 } text ? ParseInt(member, text) : null;

    public override IReadOnlyList<string>? StringList(string member, string queryName)
    {
        List<string>? list = null;
        foreach (var name in (string[])[queryName, member])
        {
            for (var i = 1; form.TryGetValue(Key(name, i, null), out var value); i++)
            {
                (list ??= []).Add(value);
            }

            if (list is not null)
            {
                break;
            }
        }

        return list;
    }

    public override Dictionary<string, string>? StringMap(string member, string queryName, string keyName, string valueName)
    {
        Dictionary<string, string>? map = null;
        foreach (var name in (string[])[queryName, member])
        {
            for (var i = 1; form.TryGetValue(Key(name, i, keyName), out var key); i++)
            {
                (map ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = form.TryGetValue(Key(name, i, valueName), out var value) ? value : string.Empty;
            }

            if (map is not null)
            {
                break;
            }
        }

        return map;
    }

    public override Dictionary<string, MessageAttributeValue>? MessageAttributes(string member, string queryName)
    {
        Dictionary<string, MessageAttributeValue>? map = null;
        foreach (var name in (string[])[queryName, member])
        {
            for (var i = 1; form.TryGetValue(Key(name, i, "Name"), out var key); i++)
            {
                var value = Key(name, i, "Value.");
                byte[]? binary = null;
                if (form.TryGetValue(value + "BinaryValue", out var base64))
                {
                    try
                    {
                        binary = Convert.FromBase64String(base64);
                    }
                    catch (FormatException)
                    {
                        throw QueueErrors.InvalidParameterValue($"The message attribute '{key}' has an invalid binary value.");
                    }
                }

                (map ??= new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal))[key] = new MessageAttributeValue
                {
                    DataType = form.TryGetValue(value + "DataType", out var type) ? type : string.Empty,
                    StringValue = form.TryGetValue(value + "StringValue", out var text) ? text : null,
                    BinaryValue = binary,
                };
            }

            if (map is not null)
            {
                break;
            }
        }

        return map;
    }

    public override IReadOnlyList<SqsInput> Entries(string member, string queryName)
    {
        var entries = new List<SqsInput>();
        foreach (var name in (string[])[queryName, member])
        {
            for (var i = 1; HasEntry(name, i); i++)
            {
                entries.Add(new QuerySqsInput(form, Key(name, i, string.Empty)));
            }

            if (entries.Count > 0)
            {
                break;
            }
        }

        return entries;
    }

    private bool HasEntry(string name, int index)
    {
        var entryPrefix = Key(name, index, string.Empty);
        foreach (var key in form.Keys)
        {
            if (key.StartsWith(entryPrefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private string Key(string name, int index, string? suffix) =>
        suffix is null
            ? string.Create(CultureInfo.InvariantCulture, $"{prefix}{name}.{index}")
            : string.Create(CultureInfo.InvariantCulture, $"{prefix}{name}.{index}.{suffix}");
}
