// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>AWS/SQS's metrics that Nimbus's queues publish, in the order of <see cref="MetricNames"/>' SQS names.</summary>
public enum SqsMetric
{
    NumberOfMessagesSent,
    NumberOfMessagesReceived,
    NumberOfMessagesDeleted,
    ApproximateNumberOfMessagesVisible,
    ApproximateAgeOfOldestMessage,
}
