// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Api.Tests.Access;

/// <summary>Temporary credentials past their expiry are refused with ExpiredToken, in the protocol of the API called;
/// keys Nimbus never issued stay "invalid".</summary>
public sealed class ExpiredSessionTests
{
    private const string Expired = "The security token included in the request is expired";
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly CredentialDirectory _credentials = new();

    [Fact]
    public async Task LambdaRequest_WithExpiredSession_IsExpiredTokenException()
    {
        var session = _credentials.IssueSession("arn:aws:sts::000000000000:assumed-role/r/s", "000000000000", TimeSpan.FromMinutes(15), Start);
        _time.Advance(TimeSpan.FromMinutes(15));
        var context = Signed("GET", "/2015-03-31/functions/", session.AccessKeyId, "lambda");

        await RunAsync(context);

        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal("ExpiredTokenException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal(Expired, JsonDocument.Parse(Body(context)).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task StsQuery_WithExpiredSession_IsExpiredTokenInStsNamespace()
    {
        var session = _credentials.IssueSession("arn:aws:sts::000000000000:assumed-role/r/s", "000000000000", TimeSpan.FromMinutes(15), Start);
        _time.Advance(TimeSpan.FromHours(1));
        var context = Signed("POST", "/", session.AccessKeyId, "sts", "Action=GetCallerIdentity&Version=2011-06-15");

        await RunAsync(context);

        Assert.Equal(403, context.Response.StatusCode);
        var body = Body(context);
        Assert.Contains($"xmlns=\"{QueryServices.StsNamespace}\"", body, StringComparison.Ordinal);
        Assert.Contains("<Code>ExpiredToken</Code>", body, StringComparison.Ordinal);
        Assert.Contains($"<Message>{Expired}</Message>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IamQuery_WithUnknownKey_IsInvalidClientTokenIdInIamNamespace()
    {
        var context = Signed("POST", "/", "ASIAUNKNOWN000000000", "iam", "Action=ListUsers&Version=2010-05-08");

        await RunAsync(context);

        Assert.Equal(403, context.Response.StatusCode);
        var body = Body(context);
        Assert.Contains($"xmlns=\"{QueryServices.IamNamespace}\"", body, StringComparison.Ordinal);
        Assert.Contains("<Code>InvalidClientTokenId</Code>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_BeforeItsExpiry_IsNotExpired()
    {
        var session = _credentials.IssueSession("arn:aws:sts::000000000000:assumed-role/r/s", "000000000000", TimeSpan.FromMinutes(15), Start);
        _time.Advance(TimeSpan.FromMinutes(14));

        Assert.True(_credentials.TryGet(session.AccessKeyId, _time.GetUtcNow(), out _));
        Assert.False(_credentials.IsExpired(session.AccessKeyId, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(_credentials.TryGet(session.AccessKeyId, _time.GetUtcNow(), out _));
        Assert.True(_credentials.IsExpired(session.AccessKeyId, _time.GetUtcNow()));
        await Task.CompletedTask;
    }

    private async Task RunAsync(HttpContext context)
    {
        var options = Options.Create(new ApiOptions { Authenticate = true });
        var middleware = new SigV4AuthenticationMiddleware(_ => throw new InvalidOperationException("The request must not get through."), _credentials, new SigV4Verifier(new SigningKeyCache()), options, _time);
        await middleware.InvokeAsync(context);
    }

    /// <summary>A request with a well-formed Authorization header for <paramref name="keyId"/> (its signature is not reached).</summary>
    private DefaultHttpContext Signed(string method, string path, string keyId, string service, string? form = null)
    {
        var context = new DefaultHttpContext();
        var date = _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Host = new HostString("127.0.0.1:9000");
        context.Request.Headers["X-Amz-Date"] = date;
        context.Request.Headers["X-Amz-Security-Token"] = "token";
        context.Request.Headers.Authorization =
            $"AWS4-HMAC-SHA256 Credential={keyId}/{date[..8]}/us-east-1/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature={new string('0', 64)}";
        if (form is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(form);
            context.Request.ContentType = "application/x-www-form-urlencoded; charset=utf-8";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
