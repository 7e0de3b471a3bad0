// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>Metrics with boto3's cloudwatch client (JSON, and CBOR when forced) and an unsigned scrape of /metrics (Scripts/metrics.py).</summary>
public sealed class Boto3MetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("known_mix_has_exactly_those_counts")]
    [InlineData("put_metric_data_reads_back")]
    [InlineData("validation_errors")]
    [InlineData("denied_without_cloudwatch_permission")]
    [InlineData("cbor_protocol_round_trip")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("metrics.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
