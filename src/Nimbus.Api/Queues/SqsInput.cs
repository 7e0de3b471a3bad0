// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

/// <summary>
/// The parameters of one SQS request, whichever protocol carried them: JSON (members by name) or query (flattened
/// form keys such as <c>Attribute.1.Name</c>). Each accessor takes the JSON member name and, where the query
/// protocol names it differently, its query name.
/// </summary>
internal abstract class SqsInput
{
    public abstract string? String(string member);

    public abstract int? Int(string member);

    public abstract IReadOnlyList<string>? StringList(string member, string queryName);

    public abstract Dictionary<string, string>? StringMap(string member, string queryName, string keyName, string valueName);

    public abstract Dictionary<string, MessageAttributeValue>? MessageAttributes(string member, string queryName);

    public abstract IReadOnlyList<SqsInput> Entries(string member, string queryName);

    protected static int ParseInt(string member, string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw QueueErrors.InvalidParameterValue($"Value {text} for parameter {member} is invalid. Reason: Must be an integer.");
}
