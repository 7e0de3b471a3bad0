// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>A validated message as the store inserts it.</summary>
public sealed record NewQueueMessage
{
    public required string MessageId { get; init; }

    public required string Body { get; init; }

    public IReadOnlyDictionary<string, MessageAttributeValue>? MessageAttributes { get; init; }

    public required string Md5OfBody { get; init; }

    public string? Md5OfMessageAttributes { get; init; }

    public required DateTimeOffset SentAt { get; init; }

    /// <summary>When the message may first be received (SentAt plus its delay).</summary>
    public required DateTimeOffset VisibleAt { get; init; }

    public required string SenderId { get; init; }

    public string? AwsTraceHeader { get; init; }

    public string? MessageGroupId { get; init; }

    public string? MessageDeduplicationId { get; init; }

    /// <summary>FIFO: the key deduplicated within the window (the id, prefixed with the group when deduplicating per group).</summary>
    public string? DeduplicationKey { get; init; }

    /// <summary>FIFO: until when a message with the same key is a duplicate.</summary>
    public DateTimeOffset DeduplicationExpiresAt { get; init; }
}
