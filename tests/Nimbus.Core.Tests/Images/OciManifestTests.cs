// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Images;

namespace Nimbus.Core.Tests.Images;

public sealed class OciManifestTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Other = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    [Fact]
    public void TryParse_DockerManifestWithoutMediaTypeMember_TakesTheContentType()
    {
        var json = $$"""{"schemaVersion":2,"config":{"digest":"{{Digest}}","size":10},"layers":[{"digest":"{{Other}}","size":30},{"digest":"{{Digest}}","size":12}]}""";

        var manifest = OciManifest.TryParse(Encoding.UTF8.GetBytes(json), OciMediaTypes.DockerManifest + "; charset=utf-8", out var error);

        Assert.Null(error);
        Assert.Equal(OciMediaTypes.DockerManifest, manifest!.MediaType);
        Assert.Equal(42, manifest.LayersSize);
        Assert.Equal(Digest, manifest.Config!.Digest);
    }

    [Fact]
    public void PickPlatform_Index_FindsLinuxAmd64()
    {
        var json = $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.OciIndex}}}","manifests":[{"digest":"{{{Digest}}}","size":1,"platform":{"os":"linux","architecture":"arm64"}},{"digest":"{{{Other}}}","size":1,"platform":{"os":"linux","architecture":"amd64"}}]}""";

        var index = OciManifest.TryParse(Encoding.UTF8.GetBytes(json), null, out _);

        Assert.True(index!.IsIndex);
        Assert.Equal(Other, index.PickPlatform("linux", "amd64")!.Digest);
    }

    [Theory]
    [InlineData("""{"schemaVersion":1}""", "unsupported manifest media type (none)")]
    [InlineData("""{"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""", "the manifest has no config")]
    [InlineData("""{"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"md5:00","size":1}}""", "unsupported digest md5:00")]
    [InlineData("not json", "the manifest is not valid JSON")]
    public void TryParse_Invalid_SaysWhy(string json, string expected)
    {
        Assert.Null(OciManifest.TryParse(Encoding.UTF8.GetBytes(json), null, out var error));
        Assert.Equal(expected, error);
    }
}
