// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nimbus.Api.Hosting;
using Nimbus.Core.Arns;

namespace Nimbus.Api.Tests.Hosting;

public sealed class RequestScopeTests
{
    private readonly RequestScope _scope = new(Options.Create(new ApiOptions { AccountId = "123456789012", DefaultRegion = "us-east-1" }));

    private Scope For(string? authorization = null, string? query = null)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }

        return _scope.For(context.Request);
    }

    [Fact]
    public void For_SigV4Header_TakesRegionFromCredentialScope() =>
        Assert.Equal(
            new Scope("123456789012", "eu-west-1"),
            For("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef"));

    [Fact]
    public void For_SigV4HeaderWithoutSpaces_TakesRegion() =>
        Assert.Equal(
            "ap-southeast-2",
            For("AWS4-HMAC-SHA256 Credential=AKID/20240101/ap-southeast-2/lambda/aws4_request,SignedHeaders=host,Signature=ab").Region);

    [Fact]
    public void For_CredentialLastInHeader_TakesRegion() =>
        Assert.Equal("us-west-2", For("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/lambda/aws4_request").Region);

    [Fact]
    public void For_NoHeader_DefaultRegion() =>
        Assert.Equal(new Scope("123456789012", "us-east-1"), For());

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20240101, SignedHeaders=host, Signature=ab")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20240101//lambda/aws4_request, Signature=ab")]
    [InlineData("AWS4-HMAC-SHA256 Credential=, Signature=ab")]
    [InlineData("Bearer token")]
    [InlineData("")]
    public void For_MalformedHeader_DefaultRegion(string authorization) =>
        Assert.Equal("us-east-1", For(authorization).Region);

    [Fact]
    public void For_PresignedQuery_TakesRegionFromCredential() =>
        Assert.Equal("eu-central-1", For(query: "?X-Amz-Credential=AKID%2F20240101%2Feu-central-1%2Flambda%2Faws4_request").Region);

    [Fact]
    public void For_HeaderAndQuery_HeaderWins() =>
        Assert.Equal(
            "eu-west-1",
            For(
                "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/lambda/aws4_request, Signature=ab",
                "?X-Amz-Credential=AKID%2F20240101%2Feu-central-1%2Flambda%2Faws4_request").Region);

    [Fact]
    public void For_AnyRegion_UsesConfiguredAccount() =>
        Assert.Equal("123456789012", For("AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/lambda/aws4_request").Account);

    [Fact]
    public void For_OtherDefaultRegion_UsedWithoutHeader()
    {
        var scope = new RequestScope(Options.Create(new ApiOptions { DefaultRegion = "eu-north-1" }));

        Assert.Equal(new Scope("000000000000", "eu-north-1"), scope.For(new DefaultHttpContext().Request));
    }

    [Fact]
    public void For_AuthenticatedCaller_UsesTheCallersAccount()
    {
        var context = new DefaultHttpContext();
        context.Features.Set(Nimbus.Core.Access.CallerIdentity.ForArn("arn:aws:iam::210987654321:root", "210987654321"));

        Assert.Equal(new Scope("210987654321", "us-east-1"), _scope.For(context.Request));
    }
}
