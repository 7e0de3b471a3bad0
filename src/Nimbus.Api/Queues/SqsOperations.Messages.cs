// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Errors;
using Nimbus.Core.Queues;

namespace Nimbus.Api.Queues;

internal static partial class SqsOperations
{
    private const string AwsTraceHeader = "AWSTraceHeader";

    private static async Task SendMessageAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var result = await call.Queues.SendMessageAsync(queue, ReadMessage(call.Input, TraceOf(call)), call.Aborted);
        WriteSendResult(call.Output, result);
    }

    private static async Task SendMessageBatchAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var entries = call.Input.Entries("Entries", "SendMessageBatchRequestEntry");
        var ids = ValidateBatch(entries, "SendMessageBatchRequestEntry");
        var messages = new OutgoingMessage[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            messages[i] = ReadMessage(entries[i], TraceOf(call));
        }

        var results = await call.Queues.SendMessageBatchAsync(queue, messages, call.Aborted);
        var output = call.Output;
        output.StartList("Successful", "SendMessageBatchResultEntry");
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].Result is { } sent)
            {
                output.StartItem();
                output.String("Id", ids[i]);
                WriteSendResult(output, sent);
                output.EndItem();
            }
        }

        output.EndList();
        var errors = new QueueException?[results.Count];
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = results[i].Error;
        }

        WriteFailures(output, ids, errors);
    }

    private static async Task ReceiveMessageAsync(SqsCall call)
    {
        var input = call.Input;
        var queue = await call.QueueAsync();
        var max = input.Int("MaxNumberOfMessages") ?? 1;
        var wait = input.Int("WaitTimeSeconds") ?? queue.Settings.ReceiveMessageWaitTimeSeconds;
        if (wait is < 0 or > QueueValidator.MaxWaitTimeSeconds)
        {
            throw QueueErrors.InvalidParameter("WaitTimeSeconds", wait.ToString(CultureInfo.InvariantCulture), "Must be >= 0 and <= 20, if provided.");
        }

        var visibility = input.Int("VisibilityTimeout");
        if (visibility is { } seconds)
        {
            QueueValidator.ValidateVisibilityTimeout(seconds);
        }

        var systemNames = Combine(input.StringList("AttributeNames", "AttributeName"), input.StringList("MessageSystemAttributeNames", "MessageSystemAttributeName"));
        var attributeNames = input.StringList("MessageAttributeNames", "MessageAttributeName");
        var messages = await call.Queues.ReceiveMessagesAsync(
            queue,
            max,
            visibility is { } v ? TimeSpan.FromSeconds(v) : null,
            TimeSpan.FromSeconds(wait),
            call.Aborted);

        var output = call.Output;
        if (messages.Count == 0)
        {
            return;
        }

        output.StartList("Messages", "Message");
        foreach (var message in messages)
        {
            output.StartItem();
            output.String("MessageId", message.MessageId);
            output.String("ReceiptHandle", message.ReceiptHandle);
            output.String("MD5OfBody", message.Md5OfBody);
            output.String("Body", message.Body);
            var system = SystemAttributes(message, systemNames);
            if (system.Count > 0)
            {
                output.StringMap("Attributes", "Attribute", "Name", "Value", system);
            }

            var selected = SelectAttributes(message.MessageAttributes, attributeNames);
            if (selected is { Count: > 0 })
            {
                // The digest covers what is returned, so that a client can verify it.
                output.String("MD5OfMessageAttributes", selected.Count == message.MessageAttributes!.Count ? message.Md5OfMessageAttributes : QueueMd5.OfAttributes(selected));
                output.MessageAttributes("MessageAttributes", "MessageAttribute", selected);
            }

            output.EndItem();
        }

        output.EndList();
    }

    private static async Task DeleteMessageAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var handle = call.Input.String("ReceiptHandle");
        if (string.IsNullOrEmpty(handle))
        {
            throw QueueErrors.MissingParameter("ReceiptHandle");
        }

        var errors = await call.Queues.DeleteMessagesAsync(queue, [handle], call.Aborted);
        if (errors[0] is { } error)
        {
            throw error;
        }
    }

    private static async Task DeleteMessageBatchAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var entries = call.Input.Entries("Entries", "DeleteMessageBatchRequestEntry");
        var ids = ValidateBatch(entries, "DeleteMessageBatchRequestEntry");
        var handles = new string[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            handles[i] = entries[i].String("ReceiptHandle") ?? string.Empty;
        }

        var errors = await call.Queues.DeleteMessagesAsync(queue, handles, call.Aborted);
        WriteBatchOutcome(call.Output, "DeleteMessageBatchResultEntry", ids, errors);
    }

    private static async Task ChangeMessageVisibilityAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var handle = call.Input.String("ReceiptHandle");
        if (string.IsNullOrEmpty(handle))
        {
            throw QueueErrors.MissingParameter("ReceiptHandle");
        }

        var seconds = call.Input.Int("VisibilityTimeout") ?? throw QueueErrors.MissingParameter("VisibilityTimeout");
        var errors = await call.Queues.ChangeVisibilityAsync(queue, [(handle, TimeSpan.FromSeconds(seconds))], call.Aborted);
        if (errors[0] is { } error)
        {
            throw error;
        }
    }

    private static async Task ChangeMessageVisibilityBatchAsync(SqsCall call)
    {
        var queue = await call.QueueAsync();
        var entries = call.Input.Entries("Entries", "ChangeMessageVisibilityBatchRequestEntry");
        var ids = ValidateBatch(entries, "ChangeMessageVisibilityBatchRequestEntry");
        var changes = new (string, TimeSpan)[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            changes[i] = (entries[i].String("ReceiptHandle") ?? string.Empty, TimeSpan.FromSeconds(entries[i].Int("VisibilityTimeout") ?? 0));
        }

        var errors = await call.Queues.ChangeVisibilityAsync(queue, changes, call.Aborted);
        WriteBatchOutcome(call.Output, "ChangeMessageVisibilityBatchResultEntry", ids, errors);
    }

    /// <summary>
    /// The X-Ray trace header the request carries: SQS keeps it as the message's AWSTraceHeader unless the message
    /// sets that system attribute itself. The SDKs send it from inside a function (<c>_X_AMZN_TRACE_ID</c>), which is how
    /// a chain of functions through queues can be followed.
    /// </summary>
    private static string? TraceOf(SqsCall call) =>
        call.Context.Request.Headers["X-Amzn-Trace-Id"].ToString() is { Length: > 0 } header ? Uri.UnescapeDataString(header) : null;

    private static OutgoingMessage ReadMessage(SqsInput input, string? requestTrace)
    {
        var system = input.MessageAttributes("MessageSystemAttributes", "MessageSystemAttribute");
        var trace = requestTrace;
        if (system is not null)
        {
            foreach (var (name, value) in system)
            {
                if (name != AwsTraceHeader)
                {
                    throw QueueErrors.InvalidParameterValue($"Message system attribute name '{name}' is invalid.");
                }

                trace = value.StringValue ?? string.Empty;
            }
        }

        return new OutgoingMessage
        {
            Body = input.String("MessageBody") ?? string.Empty,
            MessageAttributes = input.MessageAttributes("MessageAttributes", "MessageAttribute"),
            DelaySeconds = input.Int("DelaySeconds"),
            MessageGroupId = input.String("MessageGroupId"),
            MessageDeduplicationId = input.String("MessageDeduplicationId"),
            AwsTraceHeader = trace,
        };
    }

    private static string[] ValidateBatch(IReadOnlyList<SqsInput> entries, string entryShape)
    {
        var ids = new string[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            ids[i] = entries[i].String("Id") ?? string.Empty;
        }

        QueueValidator.ValidateBatch(ids, entryShape);
        return ids;
    }

    private static void WriteSendResult(SqsWriter output, SendResult result)
    {
        output.String("MessageId", result.MessageId);
        output.String("MD5OfMessageBody", result.Md5OfMessageBody);
        output.String("MD5OfMessageAttributes", result.Md5OfMessageAttributes);
        output.String("MD5OfMessageSystemAttributes", result.Md5OfMessageSystemAttributes);
        output.String("SequenceNumber", result.SequenceNumber);
    }

    private static void WriteBatchOutcome(SqsWriter output, string resultEntry, string[] ids, IReadOnlyList<QueueException?> errors)
    {
        output.StartList("Successful", resultEntry);
        for (var i = 0; i < ids.Length; i++)
        {
            if (errors[i] is null)
            {
                output.StartItem();
                output.String("Id", ids[i]);
                output.EndItem();
            }
        }

        output.EndList();
        WriteFailures(output, ids, errors);
    }

    private static void WriteFailures(SqsWriter output, string[] ids, IReadOnlyList<QueueException?> errors)
    {
        output.StartList("Failed", "BatchResultErrorEntry");
        for (var i = 0; i < ids.Length; i++)
        {
            if (errors[i] is { } error)
            {
                output.StartItem();
                output.String("Id", ids[i]);
                output.Bool("SenderFault", error.SenderFault);
                output.String("Code", error.QueryCode);
                output.String("Message", error.Message);
                output.EndItem();
            }
        }

        output.EndList();
    }

    private static List<string>? Combine(IReadOnlyList<string>? first, IReadOnlyList<string>? second)
    {
        if (first is null && second is null)
        {
            return null;
        }

        var all = new List<string>();
        all.AddRange(first ?? []);
        all.AddRange(second ?? []);
        return all;
    }

    private static Dictionary<string, string> SystemAttributes(ReceivedMessage message, List<string>? names)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (names is null)
        {
            return result;
        }

        var all = names.Contains("All");
        void Add(string name, string? value)
        {
            if (value is not null && (all || names.Contains(name)))
            {
                result[name] = value;
            }
        }

        Add("SenderId", message.SenderId);
        Add("SentTimestamp", message.SentTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("ApproximateReceiveCount", message.ApproximateReceiveCount.ToString(CultureInfo.InvariantCulture));
        Add("ApproximateFirstReceiveTimestamp", message.ApproximateFirstReceiveTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add(AwsTraceHeader, message.AwsTraceHeader);
        Add("MessageGroupId", message.MessageGroupId);
        Add("MessageDeduplicationId", message.MessageDeduplicationId);
        Add("SequenceNumber", message.SequenceNumber);
        return result;
    }

    /// <summary>MessageAttributeNames: "All" or ".*" for every attribute, "prefix.*" for a prefix, else exact names.</summary>
    private static Dictionary<string, MessageAttributeValue>? SelectAttributes(IReadOnlyDictionary<string, MessageAttributeValue>? attributes, IReadOnlyList<string>? names)
    {
        if (attributes is null || names is null || names.Count == 0)
        {
            return null;
        }

        var selected = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            foreach (var wanted in names)
            {
                if (wanted is "All" or ".*" || wanted == name
                    || (wanted.EndsWith(".*", StringComparison.Ordinal) && name.StartsWith(wanted[..^1], StringComparison.Ordinal)))
                {
                    selected[name] = value;
                    break;
                }
            }
        }

        return selected;
    }
}
