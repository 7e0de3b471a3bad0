// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.FunctionUrls;
using Nimbus.Core.Access;

namespace Nimbus.Api.Tests.FunctionUrls;

/// <summary>
/// The payload 2.0 event, field by field against AWS's documented request payload ("Invoking Lambda function URLs":
/// version, routeKey, rawPath, rawQueryString, cookies, headers, queryStringParameters, requestContext, body,
/// isBase64Encoded).
/// </summary>
public sealed class FunctionUrlEventTests
{
    private const string UrlId = "abcdefghijklmnopqrstuvwxyz234567";
    private static readonly DateTimeOffset At = new(2020, 3, 12, 19, 3, 58, 390, TimeSpan.Zero);

    private static JsonElement Event(Action<HttpRequest> build, byte[]? body = null, CallerIdentity? caller = null, string rawPath = "/my/path", string rawQuery = "")
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("123.123.123.123");
        context.Request.Scheme = "http";
        context.Request.Method = "POST";
        context.Request.Host = new HostString($"{UrlId}.lambda-url.us-west-2.localhost", 9000);
        context.Request.Protocol = "HTTP/1.1";
        build(context.Request);
        var request = new FunctionUrlRequest
        {
            Http = context.Request,
            UrlId = UrlId,
            DomainName = $"{UrlId}.lambda-url.us-west-2.localhost",
            RawPath = rawPath,
            RawQuery = rawQuery,
            RequestId = "id",
            SourceIp = "123.123.123.123",
            TraceId = "Root=1-5e6a8a2e-0123456789abcdef01234567",
            Time = At,
            Caller = caller,
        };
        var output = new ArrayBufferWriter<byte>();
        FunctionUrlEvent.Write(output, request, body ?? []);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void Write_DocumentedRequest_HasEveryDocumentedField()
    {
        var e = Event(
            r =>
            {
                r.Headers["header1"] = "value1";
                r.Headers["header2"] = new[] { "value1", "value2" };
                r.Headers.Cookie = "cookie1; cookie2";
                r.Headers.UserAgent = "agent";
                r.ContentType = "text/plain";
            },
            Encoding.UTF8.GetBytes("Hello from client!"),
            rawQuery: "parameter1=value1&parameter1=value2&parameter2=value");

        Assert.Equal("2.0", e.GetProperty("version").GetString());
        Assert.Equal("$default", e.GetProperty("routeKey").GetString());
        Assert.Equal("/my/path", e.GetProperty("rawPath").GetString());
        Assert.Equal("parameter1=value1&parameter1=value2&parameter2=value", e.GetProperty("rawQueryString").GetString());
        Assert.Equal(["cookie1", "cookie2"], e.GetProperty("cookies").EnumerateArray().Select(c => c.GetString()));
        var headers = e.GetProperty("headers");
        Assert.Equal("value1", headers.GetProperty("header1").GetString());
        Assert.Equal("value1,value2", headers.GetProperty("header2").GetString());
        Assert.False(headers.TryGetProperty("cookie", out _));
        var query = e.GetProperty("queryStringParameters");
        Assert.Equal("value1,value2", query.GetProperty("parameter1").GetString());
        Assert.Equal("value", query.GetProperty("parameter2").GetString());
        Assert.Equal("Hello from client!", e.GetProperty("body").GetString());
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());

        var context = e.GetProperty("requestContext");
        Assert.Equal("anonymous", context.GetProperty("accountId").GetString());
        Assert.Equal(UrlId, context.GetProperty("apiId").GetString());
        Assert.False(context.TryGetProperty("authorizer", out _));
        Assert.Equal($"{UrlId}.lambda-url.us-west-2.localhost", context.GetProperty("domainName").GetString());
        Assert.Equal(UrlId, context.GetProperty("domainPrefix").GetString());
        var http = context.GetProperty("http");
        Assert.Equal("POST", http.GetProperty("method").GetString());
        Assert.Equal("/my/path", http.GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", http.GetProperty("protocol").GetString());
        Assert.Equal("123.123.123.123", http.GetProperty("sourceIp").GetString());
        Assert.Equal("agent", http.GetProperty("userAgent").GetString());
        Assert.Equal("id", context.GetProperty("requestId").GetString());
        Assert.Equal("$default", context.GetProperty("routeKey").GetString());
        Assert.Equal("$default", context.GetProperty("stage").GetString());
        Assert.Equal("12/Mar/2020:19:03:58 +0000", context.GetProperty("time").GetString());
        Assert.Equal(1584039838390, context.GetProperty("timeEpoch").GetInt64());
    }

    [Fact]
    public void Write_HeaderNames_AreLowerCased()
    {
        var e = Event(r => r.Headers["X-Custom-Header"] = "Value");

        Assert.Equal("Value", e.GetProperty("headers").GetProperty("x-custom-header").GetString());
    }

    [Fact]
    public void Write_NoQueryNoCookiesNoBody_LeavesThemOut()
    {
        var e = Event(_ => { });

        Assert.Equal("", e.GetProperty("rawQueryString").GetString());
        Assert.False(e.TryGetProperty("queryStringParameters", out _));
        Assert.False(e.TryGetProperty("cookies", out _));
        Assert.False(e.TryGetProperty("body", out _));
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public void Write_EncodedQuery_DecodesValuesAndKeepsTheRawString()
    {
        var e = Event(_ => { }, rawQuery: "name=Jane%20Doe&flag&plus=a+b");

        var query = e.GetProperty("queryStringParameters");
        Assert.Equal("Jane Doe", query.GetProperty("name").GetString());
        Assert.Equal("", query.GetProperty("flag").GetString());
        Assert.Equal("a b", query.GetProperty("plus").GetString());
        Assert.Equal("name=Jane%20Doe&flag&plus=a+b", e.GetProperty("rawQueryString").GetString());
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("image/png")]
    [InlineData(null)]
    public void Write_BinaryBody_IsBase64Encoded(string? contentType)
    {
        byte[] body = [0, 1, 2, 255, 254];

        var e = Event(r => r.ContentType = contentType, body);

        Assert.True(e.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(body, Convert.FromBase64String(e.GetProperty("body").GetString()!));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("text/html")]
    [InlineData("application/vnd.api+json")]
    [InlineData("application/xml")]
    public void Write_TextBody_IsPassedAsText(string contentType)
    {
        var e = Event(r => r.ContentType = contentType, Encoding.UTF8.GetBytes("{\"k\":\"v\"}"));

        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal("{\"k\":\"v\"}", e.GetProperty("body").GetString());
    }

    [Fact]
    public void Write_TextTypeWithInvalidUtf8_IsBase64Encoded()
    {
        var e = Event(r => r.ContentType = "text/plain", [0xff, 0xfe, 0x41]);

        Assert.True(e.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public void Write_SignedCaller_AddsTheIamAuthorizerAndItsAccount()
    {
        var caller = CallerIdentity.ForArn("arn:aws:iam::111122223333:user/example-user", "111122223333", "AIDACKCEVSQ6C2EXAMPLE", "AKIAIOSFODNN7EXAMPLE");

        var e = Event(_ => { }, caller: caller);

        var context = e.GetProperty("requestContext");
        Assert.Equal("111122223333", context.GetProperty("accountId").GetString());
        var iam = context.GetProperty("authorizer").GetProperty("iam");
        Assert.Equal("AKIAIOSFODNN7EXAMPLE", iam.GetProperty("accessKey").GetString());
        Assert.Equal("111122223333", iam.GetProperty("accountId").GetString());
        Assert.Equal("AIDACKCEVSQ6C2EXAMPLE", iam.GetProperty("callerId").GetString());
        Assert.Equal(JsonValueKind.Null, iam.GetProperty("cognitoIdentity").ValueKind);
        Assert.Equal(JsonValueKind.Null, iam.GetProperty("principalOrgId").ValueKind);
        Assert.Equal("arn:aws:iam::111122223333:user/example-user", iam.GetProperty("userArn").GetString());
        Assert.Equal("AIDACKCEVSQ6C2EXAMPLE", iam.GetProperty("userId").GetString());
    }
}
