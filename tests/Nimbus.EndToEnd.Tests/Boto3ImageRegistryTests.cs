// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Function images in other registries that want credentials (Scripts/image_registries.py): a registry started by
/// the test on loopback answers 401 with a Basic or a Bearer challenge; Nimbus pulls with the credentials its auth
/// file holds for that host (Basic, or Basic to the token service then Bearer), refuses with AWS's AccessDeniedException
/// text without them or with wrong ones, and never writes the password to its log.
/// </summary>
public sealed class Boto3ImageRegistryTests(ImagesServerFixture fixture) : IClassFixture<ImagesServerFixture>
{
    /// <summary>The password the script's registry wants (image_registries.py's PASSWORD).</summary>
    private const string RegistryPassword = "registry-secret-5f1c9a";

    [Fact]
    public async Task PrivateRegistries_CredentialsPerHost_PulledOrRefused()
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("image_registries.py", "private_registries", server.DataDir);

        Assert.True(result.ExitCode == 0, $"failed: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain(RegistryPassword, server.Output, StringComparison.Ordinal);
    }
}
