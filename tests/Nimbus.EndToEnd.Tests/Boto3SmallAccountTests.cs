// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The account limit and the scaling rate, on a server configured small enough to reach them (Scripts/concurrency.py).</summary>
public sealed class Boto3SmallAccountTests(SmallAccountServerFixture fixture) : IClassFixture<SmallAccountServerFixture>
{
    [Theory]
    [InlineData("small_account_limit_throttles_the_unreserved_pool")]
    [InlineData("scaling_burst_throttles_new_environments")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("concurrency.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
