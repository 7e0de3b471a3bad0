// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;

namespace Nimbus.Core.Queues;

/// <summary>SQS's errors with its codes, statuses and messages (as AWS answers them).</summary>
public static class QueueErrors
{
    public static QueueException QueueDoesNotExist() =>
        new("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400, "The specified queue does not exist.");

    public static QueueException QueueAlreadyExists(string attribute) =>
        new("QueueNameExists", "QueueAlreadyExists", 400, $"A queue already exists with the same name and a different value for attribute {attribute}");

    public static QueueException InvalidParameterValue(string message) =>
        new("InvalidParameterValueException", "InvalidParameterValue", 400, message);

    public static QueueException InvalidParameter(string parameter, string value, string reason) =>
        InvalidParameterValue($"Value {value} for parameter {parameter} is invalid. Reason: {reason}");

    public static QueueException MissingParameter(string parameter) =>
        new("MissingRequiredParameterException", "MissingParameter", 400, $"The request must contain the parameter {parameter}.");

    public static QueueException InvalidAttributeName(string message) =>
        new("InvalidAttributeName", "InvalidAttributeName", 400, message);

    public static QueueException InvalidAttributeValue(string message) =>
        new("InvalidAttributeValue", "InvalidAttributeValue", 400, message);

    public static QueueException ReceiptHandleIsInvalid(string receiptHandle) =>
        new("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404, $"The input receipt handle \"{receiptHandle}\" is not a valid receipt handle.");

    public static QueueException EmptyBatchRequest(string entryShape) =>
        new("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400, $"There should be at least one {entryShape} in the request.");

    public static QueueException TooManyEntriesInBatchRequest(int count) =>
        new("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, $"Maximum number of entries per request are 10. You have sent {count}.");

    public static QueueException BatchEntryIdsNotDistinct(string id) =>
        new("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400, $"Id {id} repeated.");

    public static QueueException InvalidBatchEntryId() =>
        new("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400, "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");

    public static QueueException BatchRequestTooLong(int limit, long sent) =>
        new("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400, $"Batch requests cannot be longer than {limit} bytes. You have sent {sent} bytes.");

    public static QueueException PurgeQueueInProgress(string queueName) =>
        new("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403, $"Only one PurgeQueue operation on {queueName} is allowed every 60 seconds.");

    public static QueueException InvalidMessageContents() =>
        new("InvalidMessageContents", "InvalidMessageContents", 400, "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");

    public static QueueException UnsupportedOperation(string message) =>
        new("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400, message);

    public static QueueException InvalidAction(string action) =>
        new("InvalidAction", "InvalidAction", 400, $"The action {action} is not valid for this endpoint.");
}
