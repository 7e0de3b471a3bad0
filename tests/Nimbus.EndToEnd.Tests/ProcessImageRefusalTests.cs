// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The process sandbox cannot run container images: CreateFunction refuses one, naming the Sandbox setting.</summary>
public sealed class ProcessImageRefusalTests(ProcessServerFixture fixture) : IClassFixture<ProcessServerFixture>
{
    [Fact]
    public async Task CreateFunction_ImageOnProcessSandbox_RefusedNamingTheSetting()
    {
        var (_, clients) = fixture.Require();

        var result = await clients.Boto3Async("image_runtimes.py", "images_need_runc", "process");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
