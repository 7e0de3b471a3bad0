// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Api.Wire;
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

/// <summary>The query protocol's XML result: elements inside <c>&lt;{Action}Result&gt;</c>, lists and maps flattened.</summary>
internal sealed class XmlSqsWriter(StringBuilder xml) : SqsWriter
{
    private readonly Stack<string> _lists = new();

    public override void String(string name, string? value)
    {
        if (value is not null)
        {
            Element(name, value);
        }
    }

    public override void Bool(string name, bool value) => Element(name, value ? "true" : "false");

    public override void StringList(string member, string queryName, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Element(queryName, value);
        }
    }

    public override void StringMap(string member, string queryName, string keyName, string valueName, IReadOnlyDictionary<string, string> map)
    {
        foreach (var (key, value) in map)
        {
            xml.Append('<').Append(queryName).Append('>');
            Element(keyName, key);
            Element(valueName, value);
            xml.Append("</").Append(queryName).Append('>');
        }
    }

    public override void MessageAttributes(string member, string queryName, IReadOnlyDictionary<string, MessageAttributeValue> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            xml.Append('<').Append(queryName).Append('>');
            Element("Name", name);
            xml.Append("<Value>");
            if (value.IsBinary)
            {
                Element("BinaryValue", Convert.ToBase64String(value.BinaryValue ?? []));
            }
            else
            {
                Element("StringValue", value.StringValue ?? string.Empty);
            }

            Element("DataType", value.DataType);
            xml.Append("</Value></").Append(queryName).Append('>');
        }
    }

    public override void StartList(string member, string queryName) => _lists.Push(queryName);

    public override void StartItem() => xml.Append('<').Append(_lists.Peek()).Append('>');

    public override void EndItem() => xml.Append("</").Append(_lists.Peek()).Append('>');

    public override void EndList() => _lists.Pop();


    private void Element(string name, string value)
    {
        xml.Append('<').Append(name).Append('>');
        XmlText.Escape(xml, value);
        xml.Append("</").Append(name).Append('>');
    }
}
