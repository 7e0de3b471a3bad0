// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Api.FunctionUrls;
using Nimbus.Core.FunctionUrls;

namespace Nimbus.Api.Tests.FunctionUrls;

/// <summary>CORS from a function URL's config: preflights answered without the function, headers on responses.</summary>
public sealed class FunctionUrlCorsPolicyTests
{
    private static readonly FunctionUrlCors Cors = new()
    {
        AllowOrigins = ["https://example.com"],
        AllowMethods = ["GET", "POST"],
        AllowHeaders = ["x-custom"],
        ExposeHeaders = ["x-answer"],
        AllowCredentials = true,
        MaxAge = 300,
    };

    private static DefaultHttpContext Preflight(string origin, string method, string? headers = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "OPTIONS";
        context.Request.Headers.Origin = origin;
        context.Request.Headers.AccessControlRequestMethod = method;
        if (headers is not null)
        {
            context.Request.Headers.AccessControlRequestHeaders = headers;
        }

        return context;
    }

    [Fact]
    public void AnswerPreflight_Allowed_AnswersFromTheConfig()
    {
        var context = Preflight("https://example.com", "POST", "X-Custom");

        Assert.True(FunctionUrlCorsPolicy.IsPreflight(context.Request));
        FunctionUrlCorsPolicy.AnswerPreflight(context.Response, context.Request, Cors);

        var headers = context.Response.Headers;
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("https://example.com", headers.AccessControlAllowOrigin);
        Assert.Equal("GET,POST", headers.AccessControlAllowMethods);
        Assert.Equal("x-custom", headers.AccessControlAllowHeaders);
        Assert.Equal("true", headers.AccessControlAllowCredentials);
        Assert.Equal("300", headers.AccessControlMaxAge);
    }

    [Theory]
    [InlineData("https://evil.example", "POST", null)]
    [InlineData("https://example.com", "DELETE", null)]
    [InlineData("https://example.com", "GET", "x-other")]
    public void AnswerPreflight_Refused_HasNoCorsHeaders(string origin, string method, string? headers)
    {
        var context = Preflight(origin, method, headers);

        FunctionUrlCorsPolicy.AnswerPreflight(context.Response, context.Request, Cors);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public void AddResponseHeaders_AllowedOrigin_AddsOriginCredentialsAndExposed()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Origin = "https://example.com";

        FunctionUrlCorsPolicy.AddResponseHeaders(context.Response, context.Request, Cors);

        Assert.Equal("https://example.com", context.Response.Headers.AccessControlAllowOrigin);
        Assert.Equal("true", context.Response.Headers.AccessControlAllowCredentials);
        Assert.Equal("x-answer", context.Response.Headers.AccessControlExposeHeaders);
    }

    [Fact]
    public void AddResponseHeaders_WildcardWithoutCredentials_AnswersStar()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Origin = "https://anyone.example";

        FunctionUrlCorsPolicy.AddResponseHeaders(context.Response, context.Request, new FunctionUrlCors { AllowOrigins = ["*"] });

        Assert.Equal("*", context.Response.Headers.AccessControlAllowOrigin);
    }

    [Fact]
    public void IsPreflight_OptionsWithoutRequestMethod_IsNot()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "OPTIONS";
        context.Request.Headers.Origin = "https://example.com";

        Assert.False(FunctionUrlCorsPolicy.IsPreflight(context.Request));
    }
}
