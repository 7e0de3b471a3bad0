// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Events.Mappings;

/// <summary>A received message, with the system attributes (ApproximateReceiveCount, SentTimestamp, …) and message attributes SQS gives.</summary>
public sealed record SourceMessage
{
    public required string MessageId { get; init; }

    public required string ReceiptHandle { get; init; }

    public required string Body { get; init; }

    public required string Md5OfBody { get; init; }

    public string? Md5OfMessageAttributes { get; init; }

    /// <summary>System attributes by SQS's names, in the order the event shows them.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Attributes { get; init; }

    public IReadOnlyList<SourceAttributeValue> MessageAttributes { get; init; } = [];

    /// <summary>The AWSTraceHeader system attribute: the chain the message belongs to.</summary>
    public string? TraceHeader { get; init; }
}
