// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Api.CloudWatch;

/// <summary>The query protocol's top structure is the operation's Result element.</summary>
internal sealed class QueryResultWriter(StringBuilder xml, string action) : ICloudWatchWriter
{
    private readonly XmlCloudWatchWriter _inner = new(xml);
    private int _depth;

    public void StartStructure(string? name, int members)
    {
        if (_depth++ == 0)
        {
            xml.Append('<').Append(action).Append("Result>");
            return;
        }

        _inner.StartStructure(name, members);
    }

    public void EndStructure()
    {
        if (--_depth == 0)
        {
            xml.Append("</").Append(action).Append("Result>");
            return;
        }

        _inner.EndStructure();
    }

    public void StartList(string name, int items) => _inner.StartList(name, items);

    public void EndList() => _inner.EndList();

    public void Map(string name, IReadOnlyList<KeyValuePair<string, double>> entries) => _inner.Map(name, entries);

    public void String(string? name, string value) => _inner.String(name, value);

    public void Double(string? name, double value) => _inner.Double(name, value);

    public void Timestamp(string? name, DateTimeOffset value) => _inner.Timestamp(name, value);
}
