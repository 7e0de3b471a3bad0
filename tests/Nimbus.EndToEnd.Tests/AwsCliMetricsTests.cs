// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json.Nodes;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Metrics with the AWS CLI v2, which speaks CloudWatch's query protocol: <c>aws cloudwatch get-metric-statistics</c>
/// after a known mix of invocations, put-metric-data read back, and an error in the query protocol's shape.
/// </summary>
public sealed class AwsCliMetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task GetMetricStatistics_AfterAKnownMix_HasExactlyThoseCounts()
    {
        var mix = await fixture.Clients.Boto3Async("metrics.py", "known_mix_has_exactly_those_counts");
        Assert.True(mix.ExitCode == 0, $"{mix}\n--- server\n{fixture.Server.Output}");
        var name = mix.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^2].Trim();

        Assert.Equal(5, await SumAsync("AWS/Lambda", "Invocations", $"Name=FunctionName,Value={name}"));
        Assert.Equal(2, await SumAsync("AWS/Lambda", "Errors", $"Name=FunctionName,Value={name}"));
        Assert.Equal(2, await SumAsync("AWS/Lambda", "Throttles", $"Name=FunctionName,Value={name}"));
        Assert.Equal(1, await SumAsync("AWS/Lambda", "Invocations", $"Name=FunctionName,Value={name}", $"Name=Resource,Value={name}:live"));

        var duration = await StatisticsAsync("AWS/Lambda", "Duration", ["--statistics", "SampleCount", "--extended-statistics", "p50", "p99"], $"Name=FunctionName,Value={name}");
        var point = Assert.Single(duration["Datapoints"]!.AsArray())!;
        Assert.Equal(5, (double)point["SampleCount"]!);
        Assert.Equal("Milliseconds", (string?)point["Unit"]);
        Assert.True((double)point["ExtendedStatistics"]!["p50"]! <= (double)point["ExtendedStatistics"]!["p99"]!, point.ToJsonString());
    }

    [Fact]
    public async Task PutMetricData_ReadsBack()
    {
        var ns = $"Cli/Test{Guid.NewGuid():N}"[..20];
        await fixture.Clients.CliJsonAsync("cloudwatch", "put-metric-data", "--namespace", ns, "--metric-name", "Jobs", "--value", "3", "--unit", "Count", "--dimensions", "Queue=a");
        await fixture.Clients.CliJsonAsync("cloudwatch", "put-metric-data", "--namespace", ns, "--metric-name", "Jobs", "--value", "4", "--unit", "Count", "--dimensions", "Queue=a");

        Assert.Equal(7, await SumAsync(ns, "Jobs", "Name=Queue,Value=a"));
        var listed = await fixture.Clients.CliJsonAsync("cloudwatch", "list-metrics", "--namespace", ns);
        var metric = Assert.Single(listed["Metrics"]!.AsArray())!;
        Assert.Equal("Jobs", (string?)metric["MetricName"]);
        Assert.Equal("a", (string?)metric["Dimensions"]![0]!["Value"]);
    }

    [Fact]
    public async Task PutMetricData_InAnAwsNamespace_IsRefusedInTheQueryProtocol()
    {
        var result = await fixture.Clients.CliAsync("cloudwatch", "put-metric-data", "--namespace", "AWS/Lambda", "--metric-name", "x", "--value", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("An error occurred (InvalidParameterValue) when calling the PutMetricData operation: The value AWS/Lambda for parameter Namespace is invalid.", result.StandardError, StringComparison.Ordinal);
    }

    private async Task<double> SumAsync(string ns, string metric, params string[] dimensions)
    {
        var statistics = await StatisticsAsync(ns, metric, ["--statistics", "Sum"], dimensions);
        var point = Assert.Single(statistics["Datapoints"]!.AsArray())!;
        return (double)point["Sum"]!;
    }

    private Task<JsonNode> StatisticsAsync(string ns, string metric, string[] statistics, params string[] dimensions)
    {
        var now = DateTimeOffset.UtcNow;
        string[] arguments =
        [
            "cloudwatch", "get-metric-statistics", "--namespace", ns, "--metric-name", metric,
            "--start-time", now.AddMinutes(-55).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "--end-time", now.AddMinutes(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "--period", "3600", .. statistics, "--dimensions", .. dimensions,
        ];
        return fixture.Clients.CliJsonAsync(arguments);
    }
}
