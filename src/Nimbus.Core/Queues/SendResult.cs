// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>What SendMessage answers: the message id, the digests, and a FIFO queue's sequence number.</summary>
public sealed record SendResult
{
    public required string MessageId { get; init; }

    public required string Md5OfMessageBody { get; init; }

    public string? Md5OfMessageAttributes { get; init; }

    public string? Md5OfMessageSystemAttributes { get; init; }

    public string? SequenceNumber { get; init; }
}
