// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Api.FunctionUrls;

namespace Nimbus.Api.Tests.FunctionUrls;

/// <summary>Which requests are for a function URL, by host name or the /_url/ path, and what they address.</summary>
public sealed class FunctionUrlAddressTests
{
    private const string UrlId = "abcdefghijklmnopqrstuvwxyz234567";

    private static HttpRequest Request(string host, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        context.Request.Path = path;
        return context.Request;
    }

    [Fact]
    public void TryParse_HostForm_TakesTheIdFromTheHostAndKeepsThePath()
    {
        var request = Request($"{UrlId.ToUpperInvariant()}.lambda-url.us-east-1.localhost:9000", "/a/b");

        Assert.True(FunctionUrlAddress.IsFunctionUrl(request));
        Assert.True(FunctionUrlAddress.TryParse(request, out var id, out var domain, out var path));
        Assert.Equal(UrlId, id);
        Assert.Equal($"{UrlId.ToUpperInvariant()}.lambda-url.us-east-1.localhost", domain);
        Assert.Equal("/a/b", path);
    }

    [Theory]
    [InlineData($"/_url/{UrlId}/a/b", "/a/b")]
    [InlineData($"/_url/{UrlId}", "/")]
    public void TryParse_PathForm_TakesTheIdFromThePath(string requestPath, string functionPath)
    {
        var request = Request("127.0.0.1:9000", requestPath);

        Assert.True(FunctionUrlAddress.IsFunctionUrl(request));
        Assert.True(FunctionUrlAddress.TryParse(request, out var id, out var domain, out var path));
        Assert.Equal(UrlId, id);
        Assert.Equal("127.0.0.1", domain);
        Assert.Equal(functionPath, path);
    }

    [Fact]
    public void TryParse_ApiRequest_IsNotAUrlAndAllocatesNothing()
    {
        var request = Request("127.0.0.1:9000", "/2015-03-31/functions/f/invocations");
        Assert.False(FunctionUrlAddress.TryParse(request, out _, out _, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var isUrl = FunctionUrlAddress.IsFunctionUrl(request) || FunctionUrlAddress.TryParse(request, out _, out _, out _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(isUrl);
        Assert.Equal(0, allocated);
    }
}
