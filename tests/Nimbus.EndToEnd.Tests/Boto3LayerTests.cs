// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>Layers with boto3: the layers API, its refusals, and layer contents in /opt of Python and Node functions (Scripts/layers.py).</summary>
public sealed class Boto3LayerTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("publish_get_list_delete")]
    [InlineData("publish_refusals")]
    [InlineData("permissions")]
    [InlineData("python_imports_layer_module")]
    [InlineData("python_site_packages_path")]
    [InlineData("node_requires_layer_module")]
    [InlineData("later_layer_overrides_earlier")]
    [InlineData("function_layer_refusals")]
    [InlineData("deleted_layer_keeps_working")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("layers.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
