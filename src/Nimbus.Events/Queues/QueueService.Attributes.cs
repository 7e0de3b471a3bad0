// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Queues;

namespace Nimbus.Events.Queues;

public sealed partial class QueueService
{
    /// <summary>GetQueueAttributes: the named attributes (or all for "All"), counts included.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetAttributesAsync(QueueRecord queue, IReadOnlyList<string>? names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var all = false;
        foreach (var name in names ?? [])
        {
            if (name == QueueAttributeNames.All)
            {
                all = true;
            }
            else if (!IsReadable(queue, name))
            {
                throw QueueErrors.InvalidAttributeName($"Unknown Attribute {name}.");
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (names is null || names.Count == 0)
        {
            return result;
        }

        bool Wanted(string name) => all || names.Contains(name);
        foreach (var (name, value) in queue.Attributes)
        {
            if (Wanted(name))
            {
                result[name] = value;
            }
        }

        if (Wanted(QueueAttributeNames.ApproximateNumberOfMessages) || Wanted(QueueAttributeNames.ApproximateNumberOfMessagesNotVisible)
            || Wanted(QueueAttributeNames.ApproximateNumberOfMessagesDelayed))
        {
            var now = _timeProvider.GetUtcNow();
            var counts = await _store.CountMessagesAsync(queue.Id, now, now.AddSeconds(-queue.Settings.MessageRetentionPeriod), cancellationToken);
            AddIfWanted(QueueAttributeNames.ApproximateNumberOfMessages, counts.Visible);
            AddIfWanted(QueueAttributeNames.ApproximateNumberOfMessagesNotVisible, counts.NotVisible);
            AddIfWanted(QueueAttributeNames.ApproximateNumberOfMessagesDelayed, counts.Delayed);
        }

        AddIfWanted(QueueAttributeNames.CreatedTimestamp, queue.CreatedAt.ToUnixTimeSeconds());
        AddIfWanted(QueueAttributeNames.LastModifiedTimestamp, queue.LastModifiedAt.ToUnixTimeSeconds());
        if (Wanted(QueueAttributeNames.QueueArn))
        {
            result[QueueAttributeNames.QueueArn] = queue.Arn;
        }

        return result;

        void AddIfWanted(string name, long value)
        {
            if (Wanted(name))
            {
                result[name] = value.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    public async Task SetAttributesAsync(QueueRecord queue, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var name in attributes.Keys)
        {
            if (QueueAttributeNames.ReadOnly.Contains(name))
            {
                throw QueueErrors.InvalidAttributeName($"Unknown Attribute {name}.");
            }
        }

        QueueValidator.ForUpdate(queue.Attributes, attributes, queue.IsFifo); // Refuses a bad request before any write.
        if (attributes.TryGetValue(QueueAttributeNames.RedrivePolicy, out var redrive) && redrive.Length > 0)
        {
            await CheckDeadLetterTargetAsync(redrive, cancellationToken);
        }

        var now = _timeProvider.GetUtcNow();
        await ChangeAsync(queue, fresh => fresh with { Attributes = QueueValidator.ForUpdate(fresh.Attributes, attributes, fresh.IsFifo), LastModifiedAt = now }, cancellationToken);
        Notify(queue.Id); // a shorter delay or visibility may make messages available
    }

    public async Task TagQueueAsync(QueueRecord queue, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count == 0)
        {
            throw QueueErrors.MissingParameter("Tags");
        }

        await ChangeAsync(
            queue,
            fresh =>
            {
                var merged = new Dictionary<string, string>(fresh.Tags, StringComparer.Ordinal);
                foreach (var (key, value) in tags)
                {
                    merged[key] = value;
                }

                return merged.Count <= 50
                    ? fresh with { Tags = merged }
                    : throw QueueErrors.InvalidParameterValue("Too many tags added for queue " + queue.Name + ".");
            },
            cancellationToken);
    }

    public async Task UntagQueueAsync(QueueRecord queue, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw QueueErrors.MissingParameter("TagKeys");
        }

        await ChangeAsync(
            queue,
            fresh =>
            {
                var remaining = new Dictionary<string, string>(fresh.Tags, StringComparer.Ordinal);
                foreach (var key in keys)
                {
                    remaining.Remove(key);
                }

                return fresh with { Tags = remaining };
            },
            cancellationToken);
    }

    public async Task PurgeQueueAsync(QueueRecord queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var now = _timeProvider.GetUtcNow();
        if (_purges.TryGetValue(queue.Id, out var last) && now - last < s_purgeInterval)
        {
            throw QueueErrors.PurgeQueueInProgress(queue.Name);
        }

        _purges[queue.Id] = now;
        var purged = await _store.PurgeQueueAsync(queue.Id, cancellationToken);
        Log.QueuePurged(_logger, queue.Arn, purged);
    }

    private static bool IsReadable(QueueRecord queue, string name) =>
        queue.Attributes.ContainsKey(name) || QueueAttributeNames.ReadOnly.Contains(name)
        || QueueAttributeNames.Optional.Contains(name)
        || (queue.IsFifo && name is QueueAttributeNames.FifoQueue or QueueAttributeNames.ContentBasedDeduplication
            or QueueAttributeNames.DeduplicationScope or QueueAttributeNames.FifoThroughputLimit)
        || name is QueueAttributeNames.DelaySeconds or QueueAttributeNames.MaximumMessageSize or QueueAttributeNames.MessageRetentionPeriod
            or QueueAttributeNames.ReceiveMessageWaitTimeSeconds or QueueAttributeNames.VisibilityTimeout or QueueAttributeNames.SqsManagedSseEnabled;
}
