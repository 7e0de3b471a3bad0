// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

/// <summary>
/// Writes one SQS response in the protocol of its request: JSON members, or the query protocol's XML with flattened
/// lists and maps (<c>&lt;Attribute&gt;&lt;Name/&gt;&lt;Value/&gt;&lt;/Attribute&gt;</c> per entry).
/// </summary>
internal abstract class SqsWriter
{
    public abstract void String(string name, string? value);

    public abstract void Bool(string name, bool value);

    public abstract void StringList(string member, string queryName, IEnumerable<string> values);

    public abstract void StringMap(string member, string queryName, string keyName, string valueName, IReadOnlyDictionary<string, string> map);

    public abstract void MessageAttributes(string member, string queryName, IReadOnlyDictionary<string, MessageAttributeValue> attributes);

    /// <summary>Starts a list of structures (JSON array <paramref name="member"/>; XML elements <paramref name="queryName"/>).</summary>
    public abstract void StartList(string member, string queryName);

    public abstract void StartItem();

    public abstract void EndItem();

    public abstract void EndList();
}
