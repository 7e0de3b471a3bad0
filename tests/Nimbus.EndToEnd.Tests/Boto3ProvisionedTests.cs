// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>Provisioned concurrency with boto3: warm first invokes, replacement, init failure (Scripts/provisioned.py).</summary>
public sealed class Boto3ProvisionedTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("provisioned_alias_is_warm")]
    [InlineData("provisioned_environment_is_replaced")]
    [InlineData("provisioned_init_failure")]
    [InlineData("provisioned_and_reserved")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("provisioned.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
