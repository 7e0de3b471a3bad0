// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Queues;
using Nimbus.Events.Async;
using Nimbus.Events.Mappings;

namespace Nimbus.Events.Queues;

/// <summary>
/// The built-in queues as the rest of Nimbus uses them: destinations and dead-letter queues of asynchronous
/// invocations send to them, event source mappings poll them. Everything goes through <see cref="QueueService"/>,
/// the same code the SQS API runs.
/// </summary>
public sealed class QueueBridge(QueueService queues) : IQueueDestination, IQueueSource
{
    public async Task<bool> ExistsAsync(string queueArn, CancellationToken cancellationToken) =>
        await queues.GetQueueByArnAsync(queueArn, cancellationToken) is not null;

    public async Task<bool> SendAsync(string queueArn, string body, IReadOnlyDictionary<string, QueueAttributeValue> attributes, string? traceHeader, CancellationToken cancellationToken)
    {
        var queue = await queues.GetQueueByArnAsync(queueArn, cancellationToken);
        if (queue is null)
        {
            return false;
        }

        Dictionary<string, MessageAttributeValue>? messageAttributes = null;
        if (attributes.Count > 0)
        {
            messageAttributes = new Dictionary<string, MessageAttributeValue>(attributes.Count, StringComparer.Ordinal);
            foreach (var (name, value) in attributes)
            {
                messageAttributes[name] = new MessageAttributeValue { DataType = value.DataType, StringValue = value.Value };
            }
        }

        await queues.SendMessageAsync(
            queue,
            new OutgoingMessage
            {
                Body = body,
                MessageAttributes = messageAttributes,
                AwsTraceHeader = traceHeader,
                SenderId = queue.Scope.Account,

                // A FIFO destination needs a group; one per queue keeps Lambda's records in order.
                MessageGroupId = queue.IsFifo ? "nimbus-lambda" : null,
                MessageDeduplicationId = queue.IsFifo ? Guid.NewGuid().ToString("N") : null,
            },
            cancellationToken);
        return true;
    }

    public async Task<SourceQueueSettings?> GetQueueAsync(string queueArn, CancellationToken cancellationToken)
    {
        var queue = await queues.GetQueueByArnAsync(queueArn, cancellationToken);
        if (queue is null)
        {
            return null;
        }

        var settings = queue.Settings;
        return new SourceQueueSettings(queue.Arn, TimeSpan.FromSeconds(settings.VisibilityTimeout), queue.IsFifo, settings.RedrivePolicy?.DeadLetterTargetArn);
    }

    public async Task<IReadOnlyList<SourceMessage>> ReceiveAsync(string queueArn, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        var received = await queues.ReceiveMessagesAsync(queueArn, max, null, wait, cancellationToken);
        var messages = new SourceMessage[received.Count];
        for (var i = 0; i < received.Count; i++)
        {
            messages[i] = ToSource(received[i]);
        }

        return messages;
    }

    public async Task DeleteAsync(string queueArn, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken)
    {
        for (var start = 0; start < receiptHandles.Count; start += 10)
        {
            var count = Math.Min(10, receiptHandles.Count - start);
            var chunk = new string[count];
            for (var i = 0; i < count; i++)
            {
                chunk[i] = receiptHandles[start + i];
            }

            await queues.DeleteMessagesAsync(queueArn, chunk, cancellationToken);
        }
    }

    public async Task SetVisibilityAsync(string queueArn, IReadOnlyList<string> receiptHandles, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var queue = await queues.GetQueueByArnAsync(queueArn, cancellationToken);
        if (queue is null || receiptHandles.Count == 0)
        {
            return;
        }

        var changes = new (string ReceiptHandle, TimeSpan VisibilityTimeout)[receiptHandles.Count];
        for (var i = 0; i < changes.Length; i++)
        {
            changes[i] = (receiptHandles[i], timeout);
        }

        // One transaction for the batch; a stale handle (the message was received again) is simply skipped.
        await queues.ChangeVisibilityAsync(queue, changes, cancellationToken);
    }

    /// <summary>The message as the SQS event shows it, with its system attributes in AWS's order.</summary>
    private static SourceMessage ToSource(ReceivedMessage message)
    {
        var attributes = new List<KeyValuePair<string, string>>(8)
        {
            new("ApproximateReceiveCount", message.ApproximateReceiveCount.ToString(CultureInfo.InvariantCulture)),
        };
        if (message.AwsTraceHeader is { } trace)
        {
            attributes.Add(new("AWSTraceHeader", trace));
        }

        attributes.Add(new("SentTimestamp", message.SentTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        if (message.SequenceNumber is { } sequence)
        {
            attributes.Add(new("SequenceNumber", sequence));
        }

        if (message.MessageGroupId is { } group)
        {
            attributes.Add(new("MessageGroupId", group));
        }

        attributes.Add(new("SenderId", message.SenderId));
        if (message.MessageDeduplicationId is { } deduplication)
        {
            attributes.Add(new("MessageDeduplicationId", deduplication));
        }

        attributes.Add(new("ApproximateFirstReceiveTimestamp", message.ApproximateFirstReceiveTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        var messageAttributes = new List<SourceAttributeValue>(message.MessageAttributes?.Count ?? 0);
        if (message.MessageAttributes is { } values)
        {
            foreach (var (name, value) in values)
            {
                messageAttributes.Add(new SourceAttributeValue(name, value.DataType, value.StringValue, value.BinaryValue));
            }
        }

        return new SourceMessage
        {
            MessageId = message.MessageId,
            ReceiptHandle = message.ReceiptHandle,
            Body = message.Body,
            Md5OfBody = message.Md5OfBody,
            Md5OfMessageAttributes = message.Md5OfMessageAttributes,
            Attributes = attributes,
            MessageAttributes = messageAttributes,
            TraceHeader = message.AwsTraceHeader,
        };
    }
}
