// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>A message to send, as SendMessage takes it.</summary>
public sealed record OutgoingMessage
{
    public required string Body { get; init; }

    public IReadOnlyDictionary<string, MessageAttributeValue>? MessageAttributes { get; init; }

    /// <summary>Per-message delay (standard queues only); null uses the queue's DelaySeconds.</summary>
    public int? DelaySeconds { get; init; }

    public string? MessageGroupId { get; init; }

    public string? MessageDeduplicationId { get; init; }

    /// <summary>The AWSTraceHeader system attribute (an X-Ray trace header), when the sender passes one.</summary>
    public string? AwsTraceHeader { get; init; }

    /// <summary>The SenderId system attribute; the service fills in the caller's account when null.</summary>
    public string? SenderId { get; init; }
}
