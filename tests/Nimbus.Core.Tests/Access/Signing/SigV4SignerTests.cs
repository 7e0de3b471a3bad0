// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Signing;

namespace Nimbus.Core.Tests.Access.Signing;

public sealed class SigV4SignerTests
{
    [Fact]
    public void PresignQuery_SameInputsAsBotocore_SameUrl()
    {
        var query = SigV4Signer.PresignQuery("127.0.0.1:9000", "/_nimbus/code/abc", SigV4VerifierTests.AccessKey, SigV4VerifierTests.Secret, "us-east-1", "lambda", SigV4VerifierTests.SignedAt, 600);

        // botocore's SigV4QueryAuth(expires=600) for GET http://127.0.0.1:9000/_nimbus/code/abc at 20150830T123600Z.
        Assert.Equal(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=df240d007665a41cd6eb99785e904ccfbdfbc81abfcab4dc93d6ec204b329f87",
            query);
    }

    [Fact]
    public void PresignQuery_WithToken_VerifiesUntilExpiry()
    {
        var query = SigV4Signer.PresignQuery("localhost:9000", "/x/y", "AKIDEXAMPLE", SigV4VerifierTests.Secret, "eu-west-1", "lambda", SigV4VerifierTests.SignedAt, 60, "tok/en+=");
        var request = new TestRequest("GET", $"http://localhost:9000/x/y?{query}");
        var verifier = new SigV4Verifier(new SigningKeyCache());

        Assert.True(SigV4Parser.Parse(request, out var authorization).IsValid);
        Assert.Equal("tok/en+=", authorization.SecurityToken);
        Assert.True(verifier.Verify(request, authorization, SigV4VerifierTests.Secret, SigV4.EmptyPayloadSha256, SigV4VerifierTests.SignedAt.AddSeconds(60), "lambda").IsValid);
        Assert.Equal(SignatureStatus.Expired, verifier.Verify(request, authorization, SigV4VerifierTests.Secret, SigV4.EmptyPayloadSha256, SigV4VerifierTests.SignedAt.AddSeconds(61), "lambda").Status);
    }

    [Fact]
    public void Authorization_GetVanilla_IsAwsTestSuiteHeader()
    {
        var request = new TestRequest("GET", "https://example.amazonaws.com/").With("x-amz-date", "20150830T123600Z");

        var header = SigV4Signer.Authorization(request, "host;x-amz-date", SigV4VerifierTests.AccessKey, SigV4VerifierTests.Secret, "us-east-1", "service", "20150830T123600Z", SigV4.EmptyPayloadSha256);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            header);
    }
}
