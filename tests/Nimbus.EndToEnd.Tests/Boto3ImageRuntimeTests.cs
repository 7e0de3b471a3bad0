// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Images that bring their own runtime (Scripts/image_runtimes.py): one image laid out as AWS's Lambda base images
/// (/lambda-entrypoint.sh, /var/runtime/bootstrap, /var/lang's Python, a trap aws-lambda-rie) run as a base image,
/// as a plain Python image with <c>python -m awslambdaric</c> (a stand-in: awslambdaric is not installable offline),
/// and as a custom runtime script with its own Runtime API loop; built without Docker, pushed with skopeo.
/// </summary>
public sealed class Boto3ImageRuntimeTests(ImagesServerFixture fixture) : IClassFixture<ImagesServerFixture>
{
    [Theory]
    [InlineData("runtimes_in_images")]
    [InlineData("plain_layouts")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("image_runtimes.py", name, server.DataDir);

        Assert.True(result.ExitCode == 0, $"case {name} failed: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
