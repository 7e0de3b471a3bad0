// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>A message as a receive hands it out, with its system attributes as typed values.</summary>
public sealed record ReceivedMessage
{
    public required string MessageId { get; init; }

    /// <summary>Names this receive: DeleteMessage and ChangeMessageVisibility take it.</summary>
    public required string ReceiptHandle { get; init; }

    public required string Body { get; init; }

    public required string Md5OfBody { get; init; }

    /// <summary>Null when the message has no attributes.</summary>
    public string? Md5OfMessageAttributes { get; init; }

    public IReadOnlyDictionary<string, MessageAttributeValue>? MessageAttributes { get; init; }

    /// <summary>SentTimestamp.</summary>
    public required DateTimeOffset SentTimestamp { get; init; }

    public required string SenderId { get; init; }

    /// <summary>ApproximateReceiveCount, this receive included.</summary>
    public required int ApproximateReceiveCount { get; init; }

    /// <summary>ApproximateFirstReceiveTimestamp.</summary>
    public required DateTimeOffset ApproximateFirstReceiveTimestamp { get; init; }

    /// <summary>The AWSTraceHeader system attribute, when the sender passed one.</summary>
    public string? AwsTraceHeader { get; init; }

    public string? MessageGroupId { get; init; }

    public string? MessageDeduplicationId { get; init; }

    /// <summary>FIFO queues: the message's sequence number (20 digits); null on standard queues.</summary>
    public string? SequenceNumber { get; init; }
}
