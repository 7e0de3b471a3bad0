// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>One receive as the store runs it, in one transaction.</summary>
public sealed record ReceiveQuery
{
    public required long QueueId { get; init; }

    public required bool Fifo { get; init; }

    public required int MaxMessages { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>Received messages stay invisible until then.</summary>
    public required DateTimeOffset VisibleUntil { get; init; }

    /// <summary>Messages sent at or before this are past the retention period: deleted instead of delivered.</summary>
    public required DateTimeOffset RetainedSince { get; init; }

    /// <summary>The dead-letter queue's id, when the queue has a redrive policy whose target exists.</summary>
    public long? DeadLetterQueueId { get; init; }

    /// <summary>A message already received this many times moves to the dead-letter queue instead of being delivered.</summary>
    public int MaxReceiveCount { get; init; }
}
