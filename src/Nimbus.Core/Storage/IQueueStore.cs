// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Queues;

namespace Nimbus.Core.Storage;

/// <summary>
/// Durable queues and their messages. A method that returns has committed: a SendMessage may be acknowledged as
/// soon as <see cref="SendMessagesAsync"/> completes. Each call is one transaction (a batch commits at once).
/// </summary>
public interface IQueueStore
{
    Task<QueueRecord?> GetQueueAsync(Scope scope, string name, CancellationToken cancellationToken);

    /// <summary>Inserts a queue; when one of that name exists already, returns it unchanged instead.</summary>
    Task<QueueRecord> CreateQueueAsync(QueueRecord queue, CancellationToken cancellationToken);

    /// <summary>Queues of a scope in name order whose name starts with <paramref name="prefix"/>, after <paramref name="afterName"/>.</summary>
    Task<IReadOnlyList<QueueRecord>> ListQueuesAsync(Scope scope, string? prefix, string? afterName, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces a queue's attributes, tags and modification time; false when it is gone.</summary>
    Task<bool> UpdateQueueAsync(QueueRecord queue, CancellationToken cancellationToken);

    /// <summary>Deletes a queue and its messages; false when there was none.</summary>
    Task<bool> DeleteQueueAsync(long queueId, CancellationToken cancellationToken);

    /// <summary>Stores messages in one transaction, in order; FIFO duplicates within their window are answered, not stored.</summary>
    Task<IReadOnlyList<SentMessage>> SendMessagesAsync(long queueId, IReadOnlyList<NewQueueMessage> messages, CancellationToken cancellationToken);

    /// <summary>Takes up to <see cref="ReceiveQuery.MaxMessages"/> visible messages and makes them invisible, in one transaction.</summary>
    Task<ReceiveBatch> ReceiveMessagesAsync(ReceiveQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// True when the queue may have a message to receive at <paramref name="now"/> (a read, without the write lock):
    /// lets a woken long poll skip a receive transaction that would find nothing.
    /// </summary>
    Task<bool> HasVisibleMessagesAsync(long queueId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the messages of the latest receive handles. A stale receipt deletes nothing (<see cref="ReceiptOutcome.Stale"/>);
    /// with <paramref name="requireInFlight"/> (FIFO) neither does a handle whose visibility timeout has passed.
    /// </summary>
    Task<IReadOnlyList<ReceiptOutcome>> DeleteMessagesAsync(IReadOnlyList<ReceiptHandle> receipts, DateTimeOffset now, bool requireInFlight, CancellationToken cancellationToken);

    /// <summary>Makes each message of a latest, in-flight handle visible at the given time.</summary>
    Task<IReadOnlyList<ReceiptOutcome>> ChangeVisibilityAsync(IReadOnlyList<(ReceiptHandle Handle, DateTimeOffset VisibleAt)> changes, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes every message of a queue; returns how many.</summary>
    Task<int> PurgeQueueAsync(long queueId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> messages that outlived their queue's MessageRetentionPeriod (they are
    /// never delivered, but take room), and FIFO deduplication ids past their window; returns how many messages.
    /// </summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    Task<QueueCounts> CountMessagesAsync(long queueId, DateTimeOffset now, DateTimeOffset retainedSince, CancellationToken cancellationToken);

    /// <summary>Every queue's depth (AWS/SQS's ApproximateNumberOfMessagesVisible and ApproximateAgeOfOldestMessage).</summary>
    Task<IReadOnlyList<QueueDepth>> MeasureQueuesAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
