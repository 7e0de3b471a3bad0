// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Signing;

namespace Nimbus.Core.Tests.Access.Signing;

/// <summary>
/// Requests signed by AWS's own signers, verified by Nimbus. The first three are AWS's Signature Version 4 test suite
/// (get-vanilla, get-vanilla-query-order-key-case, post-vanilla: AKIDEXAMPLE, 20150830T123600Z, us-east-1, "service");
/// the S3 case is the GET Object example of the S3 API reference ("Examples: Signature Calculations in AWS Signature
/// Version 4"); the rest were signed by botocore 1.x's SigV4Auth / SigV4QueryAuth with the same key and clock.
/// </summary>
public sealed class SigV4VerifierTests
{
    internal const string AccessKey = "AKIDEXAMPLE";
    internal const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    internal static readonly DateTimeOffset SignedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private readonly SigV4Verifier _verifier = new(new SigningKeyCache());

    public static TheoryData<string, TestRequest, string?> SignedRequests => new()
    {
        { "get-vanilla", Header(new TestRequest("GET", "https://example.amazonaws.com/"), "service", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"), null },
        {
            "get-vanilla-query-order-key-case",
            Header(new TestRequest("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1"), "service", "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
            null
        },
        { "post-vanilla", Header(new TestRequest("POST", "https://example.amazonaws.com/"), "service", "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"), null },
        {
            "lambda invoke, ARN in the path",
            Header(
                new TestRequest(
                    "POST",
                    "http://127.0.0.1:9000/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations",
                    ("X-Amz-Invocation-Type", "Event"),
                    ("Content-Type", "application/json")) { Body = TestRequest.Utf8("{\"a\":1}") },
                "lambda",
                "content-type;host;x-amz-date;x-amz-invocation-type",
                "2905500d3bdd1fca05e386eb1c2effbbed98827cde3827ad8f4af285ed28868d"),
            null
        },
        {
            "encoded query values",
            Header(new TestRequest("GET", "http://127.0.0.1:9000/2015-03-31/functions/?MaxItems=10&Marker=a%2Fb%20c&FunctionVersion=ALL"), "lambda", "host;x-amz-date", "32a5c82e4d9dcd0134b127252eb6737c8fcd717a5ab7be8d6d594e196e9a0a9c"),
            null
        },
        {
            "dot segments, empty segments, repeated keys, a key without value",
            Header(new TestRequest("GET", "http://127.0.0.1:9000/a/./b/../c//d/?b=2&a=2&a=1&c") { RawPath = "/a/./b/../c//d/" }, "lambda", "host;x-amz-date", "6f86914ea072c56c522f20cf1b91bf60d31c477a56b3077805fc8cbcc430a937"),
            null
        },
        {
            "UTF-8 in the path",
            Header(new TestRequest("GET", "http://127.0.0.1:9000/caf%C3%A9/%E2%9C%93"), "lambda", "host;x-amz-date", "b96ef1c5179b6f3762e0e1f87d42d2483651d7d965a21c0db851384a82537622"),
            null
        },
        {
            "session token and whitespace in a header value",
            Header(
                new TestRequest(
                    "POST",
                    "http://127.0.0.1:9000/",
                    ("Content-Type", "application/x-amz-json-1.0"),
                    ("X-Amz-Target", "AmazonSQS.SendMessage"),
                    ("My-Header", "  a   b  c "),
                    ("X-Amz-Security-Token", "FQoGZXIvYXdzEXAMPLETOKEN")) { Body = TestRequest.Utf8("{\"QueueUrl\":\"x\"}") },
                "sqs",
                "content-type;host;my-header;x-amz-date;x-amz-security-token;x-amz-target",
                "4f13c8657b2ac7dbfe4a211acc88ee2cb22de337237a3137e3e19ec1d8183ae6"),
            "sqs"
        },
    };

    [Theory]
    [MemberData(nameof(SignedRequests))]
    public void Verify_SignedByAws_IsValid(string name, TestRequest request, string? service)
    {
        var check = Check(request, SignedAt, service);

        Assert.True(check.IsValid, $"{name}: {check}");
    }

    [Fact]
    public void Verify_PresignedByBotocore_IsValid()
    {
        var request = new TestRequest(
            "GET",
            "http://127.0.0.1:9000/_nimbus/code/abc?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=df240d007665a41cd6eb99785e904ccfbdfbc81abfcab4dc93d6ec204b329f87");

        var check = Check(request, SignedAt.AddSeconds(599), "lambda");

        Assert.True(check.IsValid, check.ToString());
    }

    [Fact]
    public void Verify_PresignedWithTokenAndQuery_IsValid()
    {
        var request = new TestRequest(
            "GET",
            "http://127.0.0.1:9000/2015-03-31/functions/f?Qualifier=%24LATEST&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Security-Token=TOKEN%2Fwith%2Bchars%3D&X-Amz-Signature=6be1dd681823298c22f853bc2366b61e6fbdbed6cc231411bc73dc27024eb1d6");

        Assert.Equal(SignatureStatus.Valid, SigV4Parser.Parse(request, out var authorization).Status);
        Assert.Equal("TOKEN/with+chars=", authorization.SecurityToken);
        Assert.True(Check(request, SignedAt, "lambda").IsValid);
    }

    [Fact]
    public void Verify_PresignedAfterExpiry_IsExpired()
    {
        var request = new TestRequest(
            "GET",
            "http://127.0.0.1:9000/_nimbus/code/abc?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=df240d007665a41cd6eb99785e904ccfbdfbc81abfcab4dc93d6ec204b329f87");

        var check = Check(request, SignedAt.AddSeconds(601), "lambda");

        Assert.Equal(new SignatureCheck(SignatureStatus.Expired, "Request has expired"), check);
    }

    [Fact]
    public void Verify_S3GetObjectExample_IsValidWithoutPathNormalization()
    {
        // S3 API reference, "Example: GET Object": the documented signature for examplebucket/test.txt.
        var request = new TestRequest(
            "GET",
            "https://examplebucket.s3.amazonaws.com/test.txt",
            ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", SigV4.EmptyPayloadSha256),
            ("x-amz-date", "20130524T000000Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
        Assert.True(SigV4Parser.Parse(request, out var authorization).IsValid);

        var check = _verifier.Verify(request, authorization, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SigV4.EmptyPayloadSha256, new DateTimeOffset(2013, 5, 24, 0, 5, 0, TimeSpan.Zero), "s3", normalizePath: false);

        Assert.True(check.IsValid, check.ToString());
    }

    [Fact]
    public void Verify_WrongSecret_IsMismatchWithAwsText()
    {
        var request = GetVanilla();
        Assert.True(SigV4Parser.Parse(request, out var authorization).IsValid);

        var check = _verifier.Verify(request, authorization, Secret + "x", request.PayloadHash, SignedAt, null);

        Assert.Equal(SignatureStatus.Mismatch, check.Status);
        Assert.Equal(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            check.Message);
    }

    [Fact]
    public void Verify_TamperedBody_IsMismatch()
    {
        var request = Header(
            new TestRequest("POST", "http://127.0.0.1:9000/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations", ("X-Amz-Invocation-Type", "Event"), ("Content-Type", "application/json"))
            {
                Body = TestRequest.Utf8("{\"a\":2}"),
            },
            "lambda",
            "content-type;host;x-amz-date;x-amz-invocation-type",
            "2905500d3bdd1fca05e386eb1c2effbbed98827cde3827ad8f4af285ed28868d");

        Assert.Equal(SignatureStatus.Mismatch, Check(request, SignedAt, "lambda").Status);
    }

    [Theory]
    [InlineData("Param1", "value2")]
    [InlineData("param2", "value2")]
    public void Verify_TamperedQuery_IsMismatch(string name, string value)
    {
        var request = Header(new TestRequest("GET", $"https://example.amazonaws.com/?{name}={value}&Param1=value1"), "service", "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");

        Assert.Equal(SignatureStatus.Mismatch, Check(request, SignedAt, null).Status);
    }

    [Fact]
    public void Verify_TamperedSignedHeader_IsMismatch()
    {
        var request = GetVanilla().With("host", "example.amazonaws.com:81");

        Assert.Equal(SignatureStatus.Mismatch, Check(request, SignedAt, null).Status);
    }

    [Fact]
    public void Verify_SixteenMinutesLate_IsExpiredWithAwsText()
    {
        var check = Check(GetVanilla(), SignedAt.AddMinutes(16), null);

        Assert.Equal(SignatureStatus.Expired, check.Status);
        Assert.Equal("Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)", check.Message);
    }

    [Fact]
    public void Verify_FourteenMinutesEitherWay_IsValid()
    {
        Assert.True(Check(GetVanilla(), SignedAt.AddMinutes(14), null).IsValid);
        Assert.True(Check(GetVanilla(), SignedAt.AddMinutes(-14), null).IsValid);
    }

    [Fact]
    public void Verify_SixteenMinutesEarly_IsNotYetCurrent()
    {
        var check = Check(GetVanilla(), SignedAt.AddMinutes(-16), null);

        Assert.Equal(SignatureStatus.Expired, check.Status);
        Assert.Equal("Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)", check.Message);
    }

    [Fact]
    public void Verify_ScopeDateDiffersFromXAmzDate_IsMismatchWithAwsText()
    {
        var request = GetVanilla().With("x-amz-date", "20150831T123600Z");

        var check = Check(request, SignedAt.AddDays(1), null);

        Assert.Equal(SignatureStatus.Mismatch, check.Status);
        Assert.Equal("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150830' != '20150831', from '20150831T123600Z'.", check.Message);
    }

    [Fact]
    public void Verify_ScopedToAnotherService_IsWrongScope()
    {
        var check = Check(GetVanilla(), SignedAt, "lambda");

        Assert.Equal(new SignatureCheck(SignatureStatus.WrongScope, "Credential should be scoped to correct service: 'lambda'. "), check);
    }

    [Fact]
    public void Verify_HostNotSigned_IsIncomplete()
    {
        var request = GetVanilla().With("Authorization", $"AWS4-HMAC-SHA256 Credential={AccessKey}/20150830/us-east-1/service/aws4_request, SignedHeaders=x-amz-date, Signature={new string('0', 64)}");

        Assert.Equal(SignatureStatus.Incomplete, Check(request, SignedAt, null).Status);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3")]
    [InlineData("5FA00FA31553B73EBF1942676E86291E8372FF2A2260956D9B8AAE1D763FBF31X")]
    public void Verify_MalformedSignature_IsMismatch(string signature)
    {
        var request = Header(new TestRequest("GET", "https://example.amazonaws.com/"), "service", "host;x-amz-date", signature);

        Assert.Equal(SignatureStatus.Mismatch, Check(request, SignedAt, null).Status);
    }

    [Fact]
    public void Verify_SecondTimeWithCachedKey_AllocatesNothing()
    {
        var request = GetVanilla();
        Assert.True(SigV4Parser.Parse(request, out var authorization).IsValid);
        var hash = request.PayloadHash;
        Assert.True(_verifier.Verify(request, authorization, Secret, hash, SignedAt, null).IsValid);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var check = _verifier.Verify(request, authorization, Secret, hash, SignedAt, null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(check.IsValid);
        Assert.Equal(0, allocated);
    }

    internal static TestRequest GetVanilla() =>
        Header(new TestRequest("GET", "https://example.amazonaws.com/"), "service", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

    internal static TestRequest Header(TestRequest request, string service, string signedHeaders, string signature) =>
        request
            .With("x-amz-date", "20150830T123600Z")
            .With("Authorization", $"AWS4-HMAC-SHA256 Credential={AccessKey}/20150830/us-east-1/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}");

    private SignatureCheck Check(TestRequest request, DateTimeOffset now, string? service)
    {
        var parsed = SigV4Parser.Parse(request, out var authorization);
        if (!parsed.IsValid)
        {
            return parsed;
        }

        Assert.Equal(AccessKey, authorization.AccessKeyId.ToString());
        return _verifier.Verify(request, authorization, Secret, request.PayloadHash, now, service);
    }
}
