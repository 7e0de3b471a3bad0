// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Nimbus.Api.Wire;

namespace Nimbus.Api.CloudWatch;

/// <summary>The query protocol's XML: list items as <c>&lt;member&gt;</c>, maps as <c>&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;</c>.</summary>
internal sealed class XmlCloudWatchWriter(StringBuilder xml) : ICloudWatchWriter
{
    private readonly Stack<string> _open = new();

    public void StartStructure(string? name, int members) => Open(name ?? "member");

    public void EndStructure() => Close();

    public void StartList(string name, int items) => Open(name);

    public void EndList() => Close();

    public void Map(string name, IReadOnlyList<KeyValuePair<string, double>> entries)
    {
        Open(name);
        foreach (var (key, value) in entries)
        {
            xml.Append("<entry><key>");
            XmlText.Escape(xml, key);
            xml.Append("</key><value>").Append(Format(value)).Append("</value></entry>");
        }

        Close();
    }

    public void String(string? name, string value)
    {
        var element = name ?? "member";
        xml.Append('<').Append(element).Append('>');
        XmlText.Escape(xml, value);
        xml.Append("</").Append(element).Append('>');
    }

    public void Double(string? name, double value)
    {
        var element = name ?? "member";
        xml.Append('<').Append(element).Append('>').Append(Format(value)).Append("</").Append(element).Append('>');
    }

    public void Timestamp(string? name, DateTimeOffset value)
    {
        var element = name ?? "member";
        xml.Append('<').Append(element).Append('>')
            .Append(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append("</").Append(element).Append('>');
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private void Open(string name)
    {
        _open.Push(name);
        xml.Append('<').Append(name).Append('>');
    }

    private void Close() => xml.Append("</").Append(_open.Pop()).Append('>');
}
