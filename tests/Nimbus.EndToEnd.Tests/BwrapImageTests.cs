// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Container images under the bwrap sandbox: the base-image layout, <c>python -m awslambdaric</c> and a custom runtime
/// script of Scripts/image_runtimes.py run as under runc (the image as the read-only root, uid 993, nimbus-init through
/// the host's loader).
/// </summary>
public sealed class BwrapImageTests(BwrapImagesServerFixture fixture) : IClassFixture<BwrapImagesServerFixture>
{
    [Theory]
    [InlineData("runtimes_in_images")]
    [InlineData("plain_layouts")]
    public async Task Case_BwrapSandbox_RunsAsUnderRunc(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("image_runtimes.py", name, server.DataDir);

        Assert.True(result.ExitCode == 0, $"failed: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
