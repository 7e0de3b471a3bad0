// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nimbus.Core.Errors;
using Nimbus.Core.Metrics;
using Nimbus.Core.Queues;

namespace Nimbus.Events.Queues;

public sealed partial class QueueService
{
    /// <summary>FIFO queues drop a message whose deduplication id was seen in the last 5 minutes.</summary>
    public static readonly TimeSpan DeduplicationWindow = TimeSpan.FromMinutes(5);

    private const string AwsTraceHeaderName = "AWSTraceHeader";

    /// <summary>SendMessage by queue ARN (for the platform itself): durable when the task completes.</summary>
    public async Task<SendResult> SendMessageAsync(string queueArn, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var queue = await GetQueueByArnAsync(queueArn, cancellationToken) ?? throw QueueErrors.QueueDoesNotExist();
        return await SendMessageAsync(queue, message, cancellationToken);
    }

    /// <summary>SendMessage by queue ARN; null when there is no such queue (for destinations that report a missing queue).</summary>
    public async Task<SendResult?> TrySendMessageAsync(string queueArn, OutgoingMessage message, CancellationToken cancellationToken) =>
        await GetQueueByArnAsync(queueArn, cancellationToken) is { } queue ? await SendMessageAsync(queue, message, cancellationToken) : null;

    /// <summary>SendMessage: validates, commits, wakes waiting receivers.</summary>
    public async Task<SendResult> SendMessageAsync(QueueRecord queue, OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var now = _timeProvider.GetUtcNow();
        var prepared = Prepare(queue, message, now);
        var sent = await _store.SendMessagesAsync(queue.Id, [prepared], cancellationToken);
        _metrics?.Sqs(queue.Scope, queue.Name, SqsMetric.NumberOfMessagesSent, 1);
        Notify(queue.Id);
        return ResultOf(queue, prepared, sent[0]);
    }

    /// <summary>
    /// SendMessageBatch: entries that fail validation fail alone; the others commit in one transaction, in order.
    /// </summary>
    public async Task<IReadOnlyList<BatchEntryResult<SendResult>>> SendMessageBatchAsync(
        QueueRecord queue,
        IReadOnlyList<OutgoingMessage> messages,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(messages);
        long total = 0;
        foreach (var message in messages)
        {
            total += QueueValidator.MessageSize(message.Body ?? string.Empty, message.MessageAttributes);
        }

        if (total > QueueAttributeNames.DefaultMaximumMessageSize)
        {
            throw QueueErrors.BatchRequestTooLong(QueueAttributeNames.DefaultMaximumMessageSize, total);
        }

        var now = _timeProvider.GetUtcNow();
        var results = new BatchEntryResult<SendResult>[messages.Count];
        var valid = new List<NewQueueMessage>(messages.Count);
        var positions = new List<int>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                valid.Add(Prepare(queue, messages[i], now));
                positions.Add(i);
            }
            catch (QueueException error)
            {
                results[i] = new BatchEntryResult<SendResult>(null, error);
            }
        }

        if (valid.Count > 0)
        {
            var sent = await _store.SendMessagesAsync(queue.Id, valid, cancellationToken);
            _metrics?.Sqs(queue.Scope, queue.Name, SqsMetric.NumberOfMessagesSent, valid.Count);
            for (var j = 0; j < valid.Count; j++)
            {
                results[positions[j]] = new BatchEntryResult<SendResult>(ResultOf(queue, valid[j], sent[j]), null);
            }

            Notify(queue.Id);
        }

        return results;
    }

    /// <summary>ReceiveMessage by queue ARN (for pollers): up to <paramref name="maxMessages"/>, waiting up to <paramref name="wait"/> for one.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveMessagesAsync(
        string queueArn,
        int maxMessages,
        TimeSpan? visibilityTimeout,
        TimeSpan wait,
        CancellationToken cancellationToken)
    {
        var queue = await GetQueueByArnAsync(queueArn, cancellationToken) ?? throw QueueErrors.QueueDoesNotExist();
        return await ReceiveMessagesAsync(queue, maxMessages, visibilityTimeout, wait, cancellationToken);
    }

    /// <summary>
    /// ReceiveMessage: takes up to <paramref name="maxMessages"/> (1 to 10) visible messages and hides them for the
    /// visibility timeout (the queue's when null). With a wait, it sleeps until a send wakes it or the earliest hidden
    /// message becomes visible, never longer than the wait; it never polls.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveMessagesAsync(
        QueueRecord queue,
        int maxMessages,
        TimeSpan? visibilityTimeout,
        TimeSpan wait,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (maxMessages is < 1 or > QueueValidator.MaxBatchEntries)
        {
            throw QueueErrors.InvalidParameter("MaxNumberOfMessages", maxMessages.ToString(CultureInfo.InvariantCulture), "Must be between 1 and 10, if provided.");
        }

        var visibility = visibilityTimeout ?? TimeSpan.FromSeconds(queue.Settings.VisibilityTimeout);
        long? deadLetterId = null;
        var maxReceiveCount = 0;
        if (queue.Settings.RedrivePolicy is { } redrive && await GetQueueByArnAsync(redrive.DeadLetterTargetArn, cancellationToken) is { } deadLetter)
        {
            deadLetterId = deadLetter.Id;
            maxReceiveCount = redrive.MaxReceiveCount;
        }

        var signal = Signal(queue.Id);
        var deadline = _timeProvider.GetUtcNow() + wait;
        DateTimeOffset? nextVisibleAt = null;
        var first = true;
        while (true)
        {
            var woken = signal.Current;
            var now = _timeProvider.GetUtcNow();

            // A send wakes every receiver of the queue; all but the first find nothing. Those check on a read
            // connection and go back to waiting, instead of each taking the one write lock for an empty receive.
            if (!first && !await _store.HasVisibleMessagesAsync(queue.Id, now, cancellationToken))
            {
                var left = deadline - now;
                if (left <= TimeSpan.Zero)
                {
                    return [];
                }

                if (nextVisibleAt is { } upcoming && upcoming - now < left)
                {
                    left = upcoming - now > TimeSpan.Zero ? upcoming - now : TimeSpan.FromMilliseconds(1);
                }

                await WaitAsync(woken, left, cancellationToken);
                continue;
            }

            first = false;
            var batch = await _store.ReceiveMessagesAsync(
                new ReceiveQuery
                {
                    QueueId = queue.Id,
                    Fifo = queue.IsFifo,
                    MaxMessages = maxMessages,
                    Now = now,
                    VisibleUntil = now + visibility,
                    RetainedSince = now.AddSeconds(-queue.Settings.MessageRetentionPeriod),
                    DeadLetterQueueId = deadLetterId,
                    MaxReceiveCount = maxReceiveCount,
                },
                cancellationToken);
            if (batch.MovedToDeadLetter > 0 && deadLetterId is { } target)
            {
                Log.MovedToDeadLetter(_logger, queue.Arn, batch.MovedToDeadLetter);
                Notify(target);
            }

            if (batch.Messages.Count > 0)
            {
                _metrics?.Sqs(queue.Scope, queue.Name, SqsMetric.NumberOfMessagesReceived, batch.Messages.Count);
                var received = new ReceivedMessage[batch.Messages.Count];
                for (var i = 0; i < received.Length; i++)
                {
                    received[i] = ToReceived(queue, batch.Messages[i]);
                }

                return received;
            }

            var remaining = deadline - _timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return [];
            }

            nextVisibleAt = batch.NextVisibleAt;
            if (batch.NextVisibleAt is { } next && next - now < remaining)
            {
                remaining = next - now > TimeSpan.Zero ? next - now : TimeSpan.FromMilliseconds(1);
            }

            await WaitAsync(woken, remaining, cancellationToken);
        }
    }

    private static NewQueueMessage Prepare(QueueRecord queue, OutgoingMessage message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = queue.Settings;
        QueueValidator.ValidateMessage(message.Body, message.MessageAttributes, settings.MaximumMessageSize);
        QueueValidator.ValidateFifoId(message.MessageGroupId, "MessageGroupId");
        QueueValidator.ValidateFifoId(message.MessageDeduplicationId, "MessageDeduplicationId");
        if (message.DelaySeconds is { } delay && delay is < 0 or > QueueValidator.MaxDelaySeconds)
        {
            throw QueueErrors.InvalidParameter("DelaySeconds", delay.ToString(CultureInfo.InvariantCulture), "DelaySeconds must be >= 0 and <= 900.");
        }

        string? deduplicationId = null;
        string? deduplicationKey = null;
        if (settings.FifoQueue)
        {
            if (message.DelaySeconds is { } fifoDelay && fifoDelay != 0)
            {
                throw QueueErrors.InvalidParameter(
                    "DelaySeconds", fifoDelay.ToString(CultureInfo.InvariantCulture), "The request include parameter that is not valid for this queue type.");
            }

            if (string.IsNullOrEmpty(message.MessageGroupId))
            {
                throw QueueErrors.MissingParameter("MessageGroupId");
            }

            deduplicationId = message.MessageDeduplicationId;
            if (deduplicationId is null)
            {
                if (!settings.ContentBasedDeduplication)
                {
                    throw QueueErrors.InvalidParameterValue(
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
                }

                // Content-based: the SHA-256 of the body (not the attributes), as AWS documents.
                deduplicationId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.Body)));
            }

            deduplicationKey = settings.DeduplicateByGroup ? message.MessageGroupId + "\n" + deduplicationId : deduplicationId;
        }
        else if (message.MessageDeduplicationId is { } unexpected)
        {
            throw QueueErrors.InvalidParameter("MessageDeduplicationId", unexpected, "The request include parameter that is not valid for this queue type.");
        }

        if (message.AwsTraceHeader is { } trace && (trace.Length == 0 || !QueueValidator.HasValidCharacters(trace)))
        {
            throw QueueErrors.InvalidParameterValue("Message system attribute 'AWSTraceHeader' must contain a non-empty value of type 'String'.");
        }

        var delaySeconds = message.DelaySeconds ?? settings.DelaySeconds;
        return new NewQueueMessage
        {
            MessageId = Guid.NewGuid().ToString(),
            Body = message.Body,
            MessageAttributes = message.MessageAttributes is { Count: > 0 } attributes ? attributes : null,
            Md5OfBody = QueueMd5.OfBody(message.Body),
            Md5OfMessageAttributes = QueueMd5.OfAttributes(message.MessageAttributes),
            SentAt = now,
            VisibleAt = now.AddSeconds(delaySeconds),
            SenderId = message.SenderId ?? queue.Scope.Account,
            AwsTraceHeader = message.AwsTraceHeader,
            MessageGroupId = message.MessageGroupId,
            MessageDeduplicationId = deduplicationId,
            DeduplicationKey = deduplicationKey,
            DeduplicationExpiresAt = now + DeduplicationWindow,
        };
    }

    private static SendResult ResultOf(QueueRecord queue, NewQueueMessage message, SentMessage sent) => new()
    {
        MessageId = sent.MessageId,
        Md5OfMessageBody = message.Md5OfBody,
        Md5OfMessageAttributes = message.Md5OfMessageAttributes,
        Md5OfMessageSystemAttributes = message.AwsTraceHeader is { } trace
            ? QueueMd5.OfAttributes(new Dictionary<string, MessageAttributeValue>(1) { [AwsTraceHeaderName] = new() { DataType = "String", StringValue = trace } })
            : null,
        SequenceNumber = queue.IsFifo ? FormatSequence(sent.SequenceNumber) : null,
    };

    private static ReceivedMessage ToReceived(QueueRecord queue, QueueMessage message) => new()
    {
        MessageId = message.MessageId,
        ReceiptHandle = new ReceiptHandle(queue.Id, message.Sequence, message.ReceiptToken).Encode(),
        Body = message.Body,
        Md5OfBody = message.Md5OfBody,
        Md5OfMessageAttributes = message.Md5OfMessageAttributes,
        MessageAttributes = message.MessageAttributes,
        SentTimestamp = message.SentAt,
        SenderId = message.SenderId,
        ApproximateReceiveCount = message.ReceiveCount,
        ApproximateFirstReceiveTimestamp = message.FirstReceivedAt,
        AwsTraceHeader = message.AwsTraceHeader,
        MessageGroupId = message.MessageGroupId,
        MessageDeduplicationId = message.MessageDeduplicationId,
        SequenceNumber = queue.IsFifo ? FormatSequence(message.Sequence) : null,
    };

    // AWS's sequence numbers are 20-digit, increasing per queue; the store's send order is increasing.
    private static string FormatSequence(long sequence) => (10_000_000_000_000_000_000m + sequence).ToString(CultureInfo.InvariantCulture);
}
