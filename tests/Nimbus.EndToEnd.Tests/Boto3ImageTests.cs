// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// The container registry and image functions (Scripts/images.py): images built without Docker, pushed and pulled
/// with skopeo (path and ECR host-name forms), the distribution API's uploads, digests and errors by raw HTTP, the
/// ECR API with boto3 (texts of its errors), and functions of PackageType Image created, invoked, updated and deleted.
/// </summary>
public sealed class Boto3ImageTests(ImagesServerFixture fixture) : IClassFixture<ImagesServerFixture>
{
    [Theory]
    [InlineData("skopeo_push_pull")]
    [InlineData("registry_host_form")]
    [InlineData("registry_protocol")]
    [InlineData("ecr_api")]
    [InlineData("image_function")]
    [InlineData("image_index")]
    [InlineData("image_errors")]
    [InlineData("registry_authorization")]
    [InlineData("remote_registry")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("images.py", name, server.DataDir);

        Assert.True(result.ExitCode == 0, $"case {name} failed: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
