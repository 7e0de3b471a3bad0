// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>The namespaces, metric names, dimensions and units of the metrics AWS's services publish, as AWS spells them.</summary>
public static class MetricNames
{
    public const string LambdaNamespace = "AWS/Lambda";
    public const string SqsNamespace = "AWS/SQS";

    public const string FunctionName = "FunctionName";
    public const string Resource = "Resource";
    public const string QueueName = "QueueName";

    public const string Count = "Count";
    public const string Milliseconds = "Milliseconds";
    public const string Seconds = "Seconds";
    public const string Percent = "Percent";
    public const string None = "None";

    public const string NumberOfMessagesSent = "NumberOfMessagesSent";
    public const string NumberOfMessagesReceived = "NumberOfMessagesReceived";
    public const string NumberOfMessagesDeleted = "NumberOfMessagesDeleted";
    public const string ApproximateNumberOfMessagesVisible = "ApproximateNumberOfMessagesVisible";
    public const string ApproximateAgeOfOldestMessage = "ApproximateAgeOfOldestMessage";
}
