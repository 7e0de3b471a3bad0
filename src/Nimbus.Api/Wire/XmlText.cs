// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Api.Wire;

/// <summary>Text in the query protocols' XML answers (SQS, IAM, STS, their errors).</summary>
internal static class XmlText
{
    /// <summary>Escapes text for XML content; carriage returns too, so that they survive the client's XML parser.</summary>
    public static void Escape(StringBuilder xml, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '<':
                    xml.Append("&lt;");
                    break;
                case '>':
                    xml.Append("&gt;");
                    break;
                case '&':
                    xml.Append("&amp;");
                    break;
                case '"':
                    xml.Append("&quot;");
                    break;
                case '\r':
                    xml.Append("&#xD;");
                    break;
                default:
                    xml.Append(c);
                    break;
            }
        }
    }
}
