// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.FunctionUrls;

namespace Nimbus.Api.Tests.FunctionUrls;

/// <summary>The function's answer mapped to HTTP as AWS documents it (response payload format, cookies).</summary>
public sealed class FunctionUrlResponseTests
{
    private static (HttpResponse Response, string Body, bool Ok) Map(string payload)
    {
        var context = new DefaultHttpContext();
        var ok = FunctionUrlResponse.TryMap(context.Response, Encoding.UTF8.GetBytes(payload), out var body);
        return (context.Response, Encoding.UTF8.GetString(body.Span), ok);
    }

    [Theory]
    [InlineData("\"Hello, world!\"")]
    [InlineData("{\"message\":\"Hello, world!\"}")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    public void TryMap_JsonWithoutStatusCode_Is200JsonWithTheAnswerAsBody(string payload)
    {
        var (response, body, ok) = Map(payload);

        Assert.True(ok);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal(payload, body);
    }

    [Fact]
    public void TryMap_CustomResponse_TakesStatusHeadersCookiesAndBody()
    {
        var (response, body, ok) = Map("""
            {"statusCode": 201, "headers": {"Content-Type": "text/plain", "My-Custom-Header": "Custom Value", "X-Number": 5},
             "multiValueHeaders": {"X-Multi": ["a", "b"]},
             "cookies": ["Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT", "Cookie_2=Value2; Max-Age=78000"],
             "body": "{ \"message\": \"Hello, world!\" }", "isBase64Encoded": false}
            """);

        Assert.True(ok);
        Assert.Equal(201, response.StatusCode);
        Assert.Equal("text/plain", response.ContentType);
        Assert.Equal("Custom Value", response.Headers["My-Custom-Header"]);
        Assert.Equal("5", response.Headers["X-Number"]);
        Assert.Equal("a,b", response.Headers["X-Multi"].ToString());
        Assert.Equal(2, response.Headers.SetCookie.Count);
        Assert.Equal("Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT", response.Headers.SetCookie[0]);
        Assert.Equal("Cookie_2=Value2; Max-Age=78000", response.Headers.SetCookie[1]);
        Assert.Equal("{ \"message\": \"Hello, world!\" }", body);
    }

    [Fact]
    public void TryMap_Base64Body_IsDecoded()
    {
        var (response, body, ok) = Map("""{"statusCode": 200, "body": "aGVsbG8=", "isBase64Encoded": true}""");

        Assert.True(ok);
        Assert.Equal("hello", body);
        Assert.Equal("application/json", response.ContentType);
    }

    [Fact]
    public void TryMap_StatusCodeNoBody_IsEmpty()
    {
        var (response, body, ok) = Map("""{"statusCode": 204}""");

        Assert.True(ok);
        Assert.Equal(204, response.StatusCode);
        Assert.Equal("", body);
    }

    [Theory]
    [InlineData("""{"statusCode": "200"}""")]
    [InlineData("""{"statusCode": 42}""")]
    [InlineData("""{"statusCode": 200, "body": "%%%", "isBase64Encoded": true}""")]
    public void TryMap_MalformedDescription_IsRefused(string payload) => Assert.False(Map(payload).Ok);

    [Fact]
    public void TryMap_FramingHeaders_AreNotTheFunctions()
    {
        var (response, _, _) = Map("""{"statusCode": 200, "headers": {"Content-Length": "999", "Transfer-Encoding": "gzip"}, "body": "x"}""");

        Assert.False(response.Headers.ContainsKey("Transfer-Encoding"));
        Assert.Null(response.ContentLength);
    }
}
