// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>Versions and aliases with boto3: immutability, Publish=true, alias rules, weighted routing (Scripts/versions.py).</summary>
public sealed class Boto3VersionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("versions_are_immutable")]
    [InlineData("publish_on_create_and_update")]
    [InlineData("publish_on_update_under_concurrency")]
    [InlineData("alias_lifecycle_and_rules")]
    [InlineData("weighted_routing_split")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("versions.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
