// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Errors;
using Nimbus.Core.Metrics;
using Nimbus.Core.Queues;

namespace Nimbus.Events.Queues;

public sealed partial class QueueService
{
    /// <summary>DeleteMessage(Batch) by queue ARN: one result per handle, null when it succeeded.</summary>
    public async Task<IReadOnlyList<QueueException?>> DeleteMessagesAsync(string queueArn, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken)
    {
        var queue = await GetQueueByArnAsync(queueArn, cancellationToken) ?? throw QueueErrors.QueueDoesNotExist();
        return await DeleteMessagesAsync(queue, receiptHandles, cancellationToken);
    }

    /// <summary>
    /// DeleteMessage(Batch), in one transaction: one result per handle, null when it succeeded. As on AWS, a handle
    /// of an earlier receive succeeds on a standard queue without deleting the message (it was received again and
    /// belongs to its new receiver); a FIFO queue refuses a handle whose receive has expired.
    /// </summary>
    public async Task<IReadOnlyList<QueueException?>> DeleteMessagesAsync(QueueRecord queue, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(receiptHandles);
        var errors = new QueueException?[receiptHandles.Count];
        var handles = new List<ReceiptHandle>(receiptHandles.Count);
        var positions = new List<int>(receiptHandles.Count);
        for (var i = 0; i < receiptHandles.Count; i++)
        {
            if (ReceiptHandle.TryDecode(receiptHandles[i], out var handle) && handle.QueueId == queue.Id)
            {
                handles.Add(handle);
                positions.Add(i);
            }
            else
            {
                errors[i] = QueueErrors.ReceiptHandleIsInvalid(receiptHandles[i]);
            }
        }

        if (handles.Count == 0)
        {
            return errors;
        }

        var outcomes = await _store.DeleteMessagesAsync(handles, _timeProvider.GetUtcNow(), requireInFlight: queue.IsFifo, cancellationToken);
        var deleted = 0;
        for (var j = 0; j < outcomes.Count; j++)
        {
            deleted += outcomes[j] == ReceiptOutcome.Done ? 1 : 0;
            if (queue.IsFifo && outcomes[j] is ReceiptOutcome.Stale or ReceiptOutcome.NotInFlight)
            {
                errors[positions[j]] = QueueErrors.InvalidParameter("ReceiptHandle", receiptHandles[positions[j]], "The receipt handle has expired.");
            }
        }

        if (deleted > 0)
        {
            _metrics?.Sqs(queue.Scope, queue.Name, SqsMetric.NumberOfMessagesDeleted, deleted);
        }

        if (queue.IsFifo)
        {
            Notify(queue.Id); // the group of a deleted message may deliver its next one
        }

        return errors;
    }

    /// <summary>ChangeMessageVisibility by queue ARN.</summary>
    public async Task ChangeVisibilityAsync(string queueArn, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var queue = await GetQueueByArnAsync(queueArn, cancellationToken) ?? throw QueueErrors.QueueDoesNotExist();
        var errors = await ChangeVisibilityAsync(queue, [(receiptHandle, visibilityTimeout)], cancellationToken);
        if (errors[0] is { } error)
        {
            throw error;
        }
    }

    /// <summary>
    /// ChangeMessageVisibility(Batch): the message becomes visible that long from now. Only the latest receive's
    /// handle may change it; a handle of an earlier receive fails, as on AWS.
    /// </summary>
    public async Task<IReadOnlyList<QueueException?>> ChangeVisibilityAsync(
        QueueRecord queue,
        IReadOnlyList<(string ReceiptHandle, TimeSpan VisibilityTimeout)> changes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(changes);
        var now = _timeProvider.GetUtcNow();
        var errors = new QueueException?[changes.Count];
        var valid = new List<(ReceiptHandle, DateTimeOffset)>(changes.Count);
        var positions = new List<int>(changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var (text, timeout) = changes[i];
            if (!ReceiptHandle.TryDecode(text, out var handle) || handle.QueueId != queue.Id)
            {
                errors[i] = QueueErrors.ReceiptHandleIsInvalid(text);
                continue;
            }

            var seconds = (long)timeout.TotalSeconds;
            if (seconds is < 0 or > QueueValidator.MaxVisibilityTimeout)
            {
                errors[i] = QueueErrors.InvalidParameter(
                    "VisibilityTimeout", seconds.ToString(CultureInfo.InvariantCulture), "VisibilityTimeout must be an integer between 0 and 43200");
                continue;
            }

            valid.Add((handle, now + timeout));
            positions.Add(i);
        }

        if (valid.Count == 0)
        {
            return errors;
        }

        var outcomes = await _store.ChangeVisibilityAsync(valid, now, cancellationToken);
        var madeVisible = false;
        for (var j = 0; j < outcomes.Count; j++)
        {
            var position = positions[j];
            switch (outcomes[j])
            {
                case ReceiptOutcome.Done:
                    madeVisible |= valid[j].Item2 <= now;
                    break;
                case ReceiptOutcome.NotInFlight:
                    // The latest handle of a message whose timeout already ran out: nothing to change (it is visible).
                    break;
                default:
                    errors[position] = QueueErrors.InvalidParameter(
                        "ReceiptHandle", changes[position].ReceiptHandle, "Message does not exist or is not available for visibility timeout change.");
                    break;
            }
        }

        if (madeVisible)
        {
            Notify(queue.Id);
        }

        return errors;
    }
}
