// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>Reserved concurrency and throttles with boto3 (Scripts/concurrency.py), at AWS's default limits.</summary>
public sealed class Boto3ConcurrencyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("put_get_delete_and_refusals")]
    [InlineData("reserved_one_throttles_the_second_parallel_invoke")]
    [InlineData("reserved_zero_throttles_everything")]
    [InlineData("event_waits_in_queue_until_concurrency_deleted")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("concurrency.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
