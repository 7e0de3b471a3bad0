// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.CloudWatch;

/// <summary>The CloudWatch operations served, by name; each authorizes itself as <c>cloudwatch:&lt;Operation&gt;</c>.</summary>
internal static partial class CloudWatchOperations
{
    public static Func<CloudWatchCall, Task>? Find(string operation) => operation switch
    {
        "GetMetricStatistics" => GetMetricStatisticsAsync,
        "GetMetricData" => GetMetricDataAsync,
        "ListMetrics" => ListMetricsAsync,
        "PutMetricData" => PutMetricDataAsync,
        _ => null,
    };
}
