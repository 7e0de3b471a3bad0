// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>A message as the store hands it out on a receive (the receive already counted).</summary>
public sealed record QueueMessage
{
    /// <summary>The store's id of the message: its position in send order, and a FIFO queue's sequence number.</summary>
    public required long Sequence { get; init; }

    public required string MessageId { get; init; }

    public required string Body { get; init; }

    public IReadOnlyDictionary<string, MessageAttributeValue>? MessageAttributes { get; init; }

    public required string Md5OfBody { get; init; }

    public string? Md5OfMessageAttributes { get; init; }

    public required DateTimeOffset SentAt { get; init; }

    public required string SenderId { get; init; }

    public string? AwsTraceHeader { get; init; }

    public string? MessageGroupId { get; init; }

    public string? MessageDeduplicationId { get; init; }

    public required int ReceiveCount { get; init; }

    public required DateTimeOffset FirstReceivedAt { get; init; }

    /// <summary>The token of this receive, part of its receipt handle.</summary>
    public required long ReceiptToken { get; init; }
}
