// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The bwrap sandbox cannot run container images: CreateFunction refuses one, naming the Sandbox setting.</summary>
public sealed class BwrapImageRefusalTests(BwrapServerFixture fixture) : IClassFixture<BwrapServerFixture>
{
    [Fact]
    public async Task CreateFunction_ImageOnBwrapSandbox_RefusedNamingTheSetting()
    {
        var (_, clients) = fixture.Require();

        var result = await clients.Boto3Async("image_runtimes.py", "images_need_runc", "bwrap");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
