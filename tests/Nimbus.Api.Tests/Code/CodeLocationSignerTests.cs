// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Api.Code;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.Tests.Code;

public sealed partial class CodeLocationSignerTests
{
    // A base64 SHA-256 with '+' and '/', which must survive the URL-safe id.
    private const string Sha = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
    private const string OtherSha = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    private const string Host = "127.0.0.1:9000";

    private static readonly DateTimeOffset s_start = new(2024, 1, 1, 12, 0, 0, 250, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly CodeLocationSigner _signer;

    public CodeLocationSignerTests()
    {
        _signer = NewSigner();
    }

    private CodeLocationSigner NewSigner() => new(_time, new RequestScope(Options.Create(new ApiOptions { DefaultRegion = "eu-west-1" })), new SigV4Verifier(new SigningKeyCache()));

    private string CreateUrl(string sha = Sha)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString(Host);
        return _signer.CreateUrl(context.Request, sha);
    }

    /// <summary>The request a client makes for <paramref name="url"/>, with one query parameter replaced or removed.</summary>
    private static (HttpRequest Request, string Id) Request(string url, string? parameter = null, string? value = null, string host = Host)
    {
        var uri = new Uri(url);
        var query = QueryHelpers.ParseQuery(uri.Query);
        if (parameter is not null)
        {
            if (value is null)
            {
                query.Remove(parameter);
            }
            else
            {
                query[parameter] = value;
            }
        }

        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Host = new HostString(host);
        context.Request.Path = uri.AbsolutePath;
        context.Request.Query = new QueryCollection(query);
        context.Request.QueryString = QueryString.Create(query);
        var file = uri.AbsolutePath[CodeLocationSigner.PathPrefix.Length..];
        return (context.Request, file[..^".zip".Length]);
    }

    private CodeLocationVerdict Verify((HttpRequest Request, string Id) request) => _signer.Verify(request.Request, request.Id, out _);

    [Fact]
    public void Signature_AwsDocumentedExample_Matches()
    {
        // S3 API reference, "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", example.
        var date = new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

        var query = SigV4Signer.PresignQuery(
            "examplebucket.s3.amazonaws.com", "/test.txt", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3", date, 86400,
            payloadHash: SigV4.UnsignedPayload, normalizePath: false);

        Assert.EndsWith("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", query, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateUrl_IsSigV4PresignedForm()
    {
        var uri = new Uri(CreateUrl());
        var query = QueryHelpers.ParseQuery(uri.Query);

        Assert.Equal($"http://{Host}", uri.GetLeftPart(UriPartial.Authority));
        Assert.Matches("^/_nimbus/code/[A-Za-z0-9_-]{43}\\.zip$", uri.AbsolutePath);
        Assert.Equal(
            ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"],
            uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=')[0]));
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"].ToString());
        Assert.Matches("^NIMBUSCODE[0-9A-F]{10}/20240101/eu-west-1/s3/aws4_request$", query["X-Amz-Credential"].ToString());
        Assert.Equal("20240101T120000Z", query["X-Amz-Date"].ToString());
        Assert.Equal("600", query["X-Amz-Expires"].ToString());
        Assert.Equal("host", query["X-Amz-SignedHeaders"].ToString());
        Assert.Matches("^[0-9a-f]{64}$", query["X-Amz-Signature"].ToString());
        Assert.Contains("X-Amz-Credential=NIMBUSCODE", uri.Query, StringComparison.Ordinal);
        Assert.Contains("%2F20240101%2Feu-west-1%2Fs3%2Faws4_request&", uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_Fresh_ValidWithSameSha()
    {
        var request = Request(CreateUrl());

        Assert.Equal(CodeLocationVerdict.Valid, _signer.Verify(request.Request, request.Id, out var sha));
        Assert.Equal(Sha, sha);
    }

    [Theory]
    [InlineData("X-Amz-Signature", "0000000000000000000000000000000000000000000000000000000000000000", nameof(CodeLocationVerdict.SignatureDoesNotMatch))]
    [InlineData("X-Amz-Expires", "3600", nameof(CodeLocationVerdict.SignatureDoesNotMatch))]
    [InlineData("X-Amz-Date", "20240101T130000Z", nameof(CodeLocationVerdict.SignatureDoesNotMatch))]
    [InlineData("X-Amz-Extra", "1", nameof(CodeLocationVerdict.SignatureDoesNotMatch))]
    [InlineData("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20240101/eu-west-1/s3/aws4_request", nameof(CodeLocationVerdict.UnknownAccessKey))]
    [InlineData("X-Amz-Algorithm", null, nameof(CodeLocationVerdict.Malformed))]
    [InlineData("X-Amz-Algorithm", "AWS4-HMAC-SHA1", nameof(CodeLocationVerdict.Malformed))]
    [InlineData("X-Amz-Credential", "NIMBUSCODE/20240101/eu-west-1/s3", nameof(CodeLocationVerdict.Malformed))]
    [InlineData("X-Amz-Date", "20240102T120000Z", nameof(CodeLocationVerdict.Malformed))]
    [InlineData("X-Amz-Date", "yesterday", nameof(CodeLocationVerdict.Malformed))]
    [InlineData("X-Amz-Expires", "-1", nameof(CodeLocationVerdict.Malformed))]
    [InlineData("X-Amz-Expires", "604801", nameof(CodeLocationVerdict.Malformed))]
    [InlineData("X-Amz-SignedHeaders", "host;range", nameof(CodeLocationVerdict.Malformed))]
    [InlineData("X-Amz-Signature", null, nameof(CodeLocationVerdict.Malformed))]
    public void Verify_ChangedParameter_Refused(string parameter, string? value, string verdict)
    {
        Assert.Equal(Enum.Parse<CodeLocationVerdict>(verdict), Verify(Request(CreateUrl(), parameter, value)));
    }

    [Fact]
    public void Verify_OtherHost_SignatureDoesNotMatch()
    {
        Assert.Equal(CodeLocationVerdict.SignatureDoesNotMatch, Verify(Request(CreateUrl(), host: "localhost:9000")));
    }

    [Fact]
    public void Verify_OtherPackageId_SignatureDoesNotMatch()
    {
        var (request, _) = Request(CreateUrl());
        var (_, otherId) = Request(CreateUrl(OtherSha));

        Assert.Equal(CodeLocationVerdict.SignatureDoesNotMatch, _signer.Verify(request, otherId, out var sha));
        Assert.Equal("", sha);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCggAAAA")]
    [InlineData("%%%")]
    public void Verify_IdThatIsNoSha256_Malformed(string id)
    {
        var (request, _) = Request(CreateUrl());

        Assert.Equal(CodeLocationVerdict.Malformed, _signer.Verify(request, id, out _));
    }

    [Fact]
    public void Verify_SignedByAnotherInstance_UnknownAccessKey()
    {
        var url = CreateUrl();

        Assert.Equal(CodeLocationVerdict.UnknownAccessKey, NewSigner().Verify(Request(url).Request, Request(url).Id, out _));
    }

    [Theory]
    [InlineData(1, nameof(CodeLocationVerdict.Valid))]
    [InlineData(599, nameof(CodeLocationVerdict.Valid))]
    [InlineData(600, nameof(CodeLocationVerdict.Valid))] // X-Amz-Date is whole seconds: 12:00:00 + 600 s, and now is 12:10:00.250
    [InlineData(601, nameof(CodeLocationVerdict.Expired))]
    [InlineData(86400, nameof(CodeLocationVerdict.Expired))]
    public void Verify_AfterSeconds_ExpiresAfterTenMinutes(int seconds, string verdict)
    {
        var request = Request(CreateUrl());
        _time.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(250));

        Assert.Equal(Enum.Parse<CodeLocationVerdict>(verdict), Verify(request));
    }

    [Theory]
    [InlineData(nameof(CodeLocationVerdict.Expired), 403, "AccessDenied", "Request has expired")]
    [InlineData(nameof(CodeLocationVerdict.SignatureDoesNotMatch), 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.")]
    [InlineData(nameof(CodeLocationVerdict.UnknownAccessKey), 403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")]
    [InlineData(nameof(CodeLocationVerdict.Malformed), 400, "AuthorizationQueryParametersError", "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")]
    public void Refusal_Verdict_S3sCodeAndMessage(string verdict, int status, string code, string message)
    {
        Assert.Equal((status, code, message), CodeEndpoints.Refusal(Enum.Parse<CodeLocationVerdict>(verdict)));
    }
}
