// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Images;

namespace Nimbus.Core.Tests.Images;

public sealed class ImageUriTests
{
    [Theory]
    [InlineData("000000000000.dkr.ecr.us-east-1.localhost:9000/team/app:v1", "000000000000.dkr.ecr.us-east-1.localhost:9000", "team/app", "v1")]
    [InlineData("127.0.0.1:5000/app", "127.0.0.1:5000", "app", "latest")]
    [InlineData("registry.example.com/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "registry.example.com", "a/b", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void TryParse_ValidUri_GivesItsParts(string uri, string registry, string repository, string reference)
    {
        Assert.Equal(new ImageUri(registry, repository, reference), ImageUri.TryParse(uri));
    }

    [Theory]
    [InlineData("")]
    [InlineData("app:v1")]
    [InlineData("host/Upper:v1")]
    [InlineData("host/app@sha256:short")]
    [InlineData("host/app:bad tag")]
    public void TryParse_InvalidUri_IsNull(string uri)
    {
        Assert.Null(ImageUri.TryParse(uri));
    }
}
