// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Nimbus.Api.Wire;

namespace Nimbus.Api.Iam;

/// <summary>Writes the XML of a query-protocol response (IAM, STS): elements with escaped text, dates as ISO 8601.</summary>
internal sealed class QueryXml(StringBuilder xml)
{
    public StringBuilder Builder => xml;

    public QueryXml Start(string name)
    {
        xml.Append('<').Append(name).Append('>');
        return this;
    }

    public QueryXml End(string name)
    {
        xml.Append("</").Append(name).Append('>');
        return this;
    }

    /// <summary>An element with text; nothing when <paramref name="value"/> is null.</summary>
    public QueryXml Element(string name, string? value)
    {
        if (value is not null)
        {
            Start(name);
            XmlText.Escape(xml, value);
            End(name);
        }

        return this;
    }

    public QueryXml Element(string name, bool value) => Element(name, value ? "true" : "false");

    public QueryXml Element(string name, int value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public QueryXml Element(string name, DateTimeOffset value) => Element(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    /// <summary>A policy document as IAM returns it: URL-encoded (RFC 3986).</summary>
    public QueryXml Document(string name, string document) => Element(name, Uri.EscapeDataString(document));

}
