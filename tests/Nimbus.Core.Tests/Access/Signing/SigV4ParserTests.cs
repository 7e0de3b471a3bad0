// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Signing;

namespace Nimbus.Core.Tests.Access.Signing;

public sealed class SigV4ParserTests
{
    [Fact]
    public void Parse_NoAuthorization_IsMissing()
    {
        var check = SigV4Parser.Parse(new TestRequest("GET", "http://127.0.0.1:9000/2015-03-31/functions/"), out _);

        Assert.Equal(new SignatureCheck(SignatureStatus.Missing, "Missing Authentication Token"), check);
    }

    [Fact]
    public void Parse_Header_SplitsCredentialScope()
    {
        var request = SigV4VerifierTests.GetVanilla().With("x-amz-security-token", "tok");

        Assert.True(SigV4Parser.Parse(request, out var authorization).IsValid);

        Assert.Equal("AKIDEXAMPLE", authorization.AccessKeyId.ToString());
        Assert.Equal("20150830/us-east-1/service/aws4_request", authorization.Scope.ToString());
        Assert.Equal("20150830", authorization.Date.ToString());
        Assert.Equal("us-east-1", authorization.Region.ToString());
        Assert.Equal("service", authorization.Service.ToString());
        Assert.Equal("host;x-amz-date", authorization.SignedHeaders.ToString());
        Assert.Equal("20150830T123600Z", authorization.Timestamp);
        Assert.Equal("tok", authorization.SecurityToken);
        Assert.False(authorization.IsPresigned);
    }

    [Fact]
    public void Parse_HeaderWithoutSpaces_IsParsed()
    {
        var request = new TestRequest("GET", "https://example.amazonaws.com/")
            .With("x-amz-date", "20150830T123600Z")
            .With("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

        Assert.True(SigV4Parser.Parse(request, out var authorization).IsValid);
        Assert.Equal("host;x-amz-date", authorization.SignedHeaders.ToString());
    }

    [Fact]
    public void Parse_EveryPartMissing_ListsEachAsAwsDoes()
    {
        var request = new TestRequest("GET", "https://example.amazonaws.com/").With("Authorization", "AWS4-HMAC-SHA256 foo");

        var check = SigV4Parser.Parse(request, out _);

        Assert.Equal(SignatureStatus.Incomplete, check.Status);
        Assert.Equal(
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. "
            + "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            + "Authorization=AWS4-HMAC-SHA256 foo",
            check.Message);
    }

    [Fact]
    public void Parse_HttpDateInsteadOfXAmzDate_UsesIt()
    {
        var request = new TestRequest("GET", "https://example.amazonaws.com/")
            .With("Date", "Sun, 30 Aug 2015 12:36:00 GMT")
            .With("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=date;host, Signature=00");

        Assert.True(SigV4Parser.Parse(request, out var authorization).IsValid);
        Assert.Equal("20150830T123600Z", authorization.Timestamp);
    }

    [Theory]
    [InlineData("AKIDEXAMPLE/20150830/us-east-1/service/aws4_requestx", "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requestx'. ")]
    [InlineData("AKIDEXAMPLE/20150830/us-east-1/service", null)]
    [InlineData("AKIDEXAMPLE/2015083/us-east-1/service/aws4_request", null)]
    [InlineData("/20150830/us-east-1/service/aws4_request", null)]
    [InlineData("AKIDEXAMPLE//us-east-1/service/aws4_request", null)]
    public void Parse_MalformedCredential_IsIncomplete(string credential, string? message)
    {
        var request = new TestRequest("GET", "https://example.amazonaws.com/")
            .With("x-amz-date", "20150830T123600Z")
            .With("Authorization", $"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host;x-amz-date, Signature=00");

        var check = SigV4Parser.Parse(request, out _);

        Assert.Equal(SignatureStatus.Incomplete, check.Status);
        if (message is not null)
        {
            Assert.Equal(message, check.Message);
        }
    }

    [Theory]
    [InlineData("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("AWS4-HMAC-SHA256x Credential=a/b/c/d/aws4_request")]
    public void Parse_OtherScheme_IsIncomplete(string header)
    {
        var request = new TestRequest("GET", "https://example.amazonaws.com/").With("x-amz-date", "20150830T123600Z").With("Authorization", header);

        Assert.Equal(SignatureStatus.Incomplete, SigV4Parser.Parse(request, out _).Status);
    }

    [Theory]
    [InlineData("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20150830T123600Z")]
    [InlineData("X-Amz-Signature=00")]
    public void Parse_PartialPresignedQuery_ListsTheRequiredParameters(string query)
    {
        var check = SigV4Parser.Parse(new TestRequest("GET", $"http://127.0.0.1:9000/x?{query}"), out _);

        Assert.Equal(
            new SignatureCheck(SignatureStatus.Incomplete, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."),
            check);
    }

    [Theory]
    [InlineData("0", "X-Amz-Expires must be non-negative")]
    [InlineData("604801", "X-Amz-Expires must be less than a week (in seconds) that is 604800")]
    [InlineData("soon", "X-Amz-Expires must be non-negative")]
    public void Parse_PresignedExpiresOutOfRange_IsIncomplete(string expires, string message)
    {
        var query = $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=00";

        Assert.Equal(new SignatureCheck(SignatureStatus.Incomplete, message), SigV4Parser.Parse(new TestRequest("GET", $"http://127.0.0.1:9000/x?{query}"), out _));
    }
}
