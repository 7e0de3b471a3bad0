// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>Queue attribute names, their defaults and ranges (SQS API reference, SetQueueAttributes).</summary>
public static class QueueAttributeNames
{
    public const string All = "All";
    public const string DelaySeconds = "DelaySeconds";
    public const string MaximumMessageSize = "MaximumMessageSize";
    public const string MessageRetentionPeriod = "MessageRetentionPeriod";
    public const string ReceiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds";
    public const string VisibilityTimeout = "VisibilityTimeout";
    public const string RedrivePolicy = "RedrivePolicy";
    public const string RedriveAllowPolicy = "RedriveAllowPolicy";
    public const string Policy = "Policy";
    public const string KmsMasterKeyId = "KmsMasterKeyId";
    public const string KmsDataKeyReusePeriodSeconds = "KmsDataKeyReusePeriodSeconds";
    public const string SqsManagedSseEnabled = "SqsManagedSseEnabled";
    public const string FifoQueue = "FifoQueue";
    public const string ContentBasedDeduplication = "ContentBasedDeduplication";
    public const string DeduplicationScope = "DeduplicationScope";
    public const string FifoThroughputLimit = "FifoThroughputLimit";
    public const string ApproximateNumberOfMessages = "ApproximateNumberOfMessages";
    public const string ApproximateNumberOfMessagesNotVisible = "ApproximateNumberOfMessagesNotVisible";
    public const string ApproximateNumberOfMessagesDelayed = "ApproximateNumberOfMessagesDelayed";
    public const string CreatedTimestamp = "CreatedTimestamp";
    public const string LastModifiedTimestamp = "LastModifiedTimestamp";
    public const string QueueArn = "QueueArn";

    public const int DefaultMaximumMessageSize = 1_048_576;
    public const int DefaultRetentionSeconds = 345_600;
    public const int DefaultVisibilityTimeout = 30;

    /// <summary>Attributes computed on read; GetQueueAttributes answers them, CreateQueue and SetQueueAttributes refuse them.</summary>
    public static IReadOnlyList<string> ReadOnly { get; } =
    [
        ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible, ApproximateNumberOfMessagesDelayed,
        CreatedTimestamp, LastModifiedTimestamp, QueueArn,
    ];

    /// <summary>Attributes every queue has, with the value a new queue gets.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Defaults { get; } =
    [
        new(DelaySeconds, "0"),
        new(MaximumMessageSize, "1048576"),
        new(MessageRetentionPeriod, "345600"),
        new(ReceiveMessageWaitTimeSeconds, "0"),
        new(VisibilityTimeout, "30"),
        new(SqsManagedSseEnabled, "true"),
    ];

    /// <summary>Attributes only a FIFO queue has, with their defaults.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> FifoDefaults { get; } =
    [
        new(FifoQueue, "true"),
        new(ContentBasedDeduplication, "false"),
        new(DeduplicationScope, "queue"),
        new(FifoThroughputLimit, "perQueue"),
    ];

    /// <summary>Attributes that may be set (and are stored only once set).</summary>
    public static IReadOnlyList<string> Optional { get; } = [RedrivePolicy, RedriveAllowPolicy, Policy, KmsMasterKeyId, KmsDataKeyReusePeriodSeconds];
}
