// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Core.Queues;

/// <summary>A queue's attributes as typed values (parsed once from the validated attribute map).</summary>
public sealed record QueueSettings
{
    public int DelaySeconds { get; init; }

    public int MaximumMessageSize { get; init; } = QueueAttributeNames.DefaultMaximumMessageSize;

    public int MessageRetentionPeriod { get; init; } = QueueAttributeNames.DefaultRetentionSeconds;

    public int ReceiveMessageWaitTimeSeconds { get; init; }

    public int VisibilityTimeout { get; init; } = QueueAttributeNames.DefaultVisibilityTimeout;

    public bool FifoQueue { get; init; }

    public bool ContentBasedDeduplication { get; init; }

    /// <summary>FIFO: deduplicate per queue (default) or per message group.</summary>
    public bool DeduplicateByGroup { get; init; }

    public RedrivePolicy? RedrivePolicy { get; init; }

    public static QueueSettings From(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return new QueueSettings
        {
            DelaySeconds = Int(attributes, QueueAttributeNames.DelaySeconds, 0),
            MaximumMessageSize = Int(attributes, QueueAttributeNames.MaximumMessageSize, QueueAttributeNames.DefaultMaximumMessageSize),
            MessageRetentionPeriod = Int(attributes, QueueAttributeNames.MessageRetentionPeriod, QueueAttributeNames.DefaultRetentionSeconds),
            ReceiveMessageWaitTimeSeconds = Int(attributes, QueueAttributeNames.ReceiveMessageWaitTimeSeconds, 0),
            VisibilityTimeout = Int(attributes, QueueAttributeNames.VisibilityTimeout, QueueAttributeNames.DefaultVisibilityTimeout),
            FifoQueue = Bool(attributes, QueueAttributeNames.FifoQueue),
            ContentBasedDeduplication = Bool(attributes, QueueAttributeNames.ContentBasedDeduplication),
            DeduplicateByGroup = attributes.TryGetValue(QueueAttributeNames.DeduplicationScope, out var scope) && scope == "messageGroup",
            RedrivePolicy = attributes.TryGetValue(QueueAttributeNames.RedrivePolicy, out var redrive) && redrive.Length > 0
                ? QueueValidator.ParseRedrivePolicy(redrive)
                : null,
        };
    }

    private static int Int(IReadOnlyDictionary<string, string> attributes, string name, int fallback) =>
        attributes.TryGetValue(name, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;

    private static bool Bool(IReadOnlyDictionary<string, string> attributes, string name) =>
        attributes.TryGetValue(name, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
