// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nimbus.Api.Hosting;
using Nimbus.Api.Logs;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Tests.Logs;

/// <summary>The Logs protocol's dispatch: authorization with AWS's action and resource, and its errors in JSON 1.1.</summary>
public sealed class LogsEndpointMiddlewareTests
{
    private const string Alice = "arn:aws:iam::000000000000:user/alice";

    [Theory]
    [InlineData("CreateLogGroup", """{"logGroupName": "/app/x"}""", "arn:aws:logs:us-east-1:000000000000:log-group:/app/x:log-stream:")]
    [InlineData("DescribeLogGroups", "{}", "arn:aws:logs:us-east-1:000000000000:log-group::log-stream:")]
    [InlineData("PutLogEvents", """{"logGroupName": "/app/x", "logStreamName": "s", "logEvents": [{"timestamp": 1, "message": "m"}]}""", "arn:aws:logs:us-east-1:000000000000:log-group:/app/x:log-stream:s")]
    [InlineData("FilterLogEvents", """{"logGroupName": "/app/x"}""", "arn:aws:logs:us-east-1:000000000000:log-group:/app/x:log-stream:")]
    [InlineData("ListTagsForResource", """{"resourceArn": "arn:aws:logs:us-east-1:000000000000:log-group:/app/x"}""", "arn:aws:logs:us-east-1:000000000000:log-group:/app/x")]
    public async Task Operation_WithoutAnAllowingPolicy_IsAccessDenied400_BeforeTheStore(string operation, string body, string resource)
    {
        var (status, type, message) = await CallAsync(operation, body, CallerIdentity.ForArn(Alice, "000000000000"));

        Assert.Equal(400, status);
        Assert.Equal("AccessDeniedException", type);
        Assert.Equal(
            $"User: {Alice} is not authorized to perform: logs:{operation} on resource: {resource} because no identity-based policy allows the logs:{operation} action",
            message);
    }

    [Theory]
    [InlineData("CreateLogGroup", """{"logGroupName": "bad:name"}""", "InvalidParameterException")]
    [InlineData("CreateLogGroup", """{"logGroupName": 5}""", "SerializationException")]
    [InlineData("CreateLogGroup", "not json", "SerializationException")]
    [InlineData("FilterLogEvents", """{"logGroupName": "g", "filterPattern": "{ $.a = "}""", "InvalidParameterException")]
    [InlineData("GetLogEvents", """{"logGroupName": "g", "logGroupIdentifier": "g", "logStreamName": "s"}""", "InvalidParameterException")]
    [InlineData("StartLiveTail", "{}", "UnknownOperationException")]
    public async Task MalformedRequest_IsAClientError_InJson11(string operation, string body, string expected)
    {
        var (status, type, message) = await CallAsync(operation, body, CallerIdentity.ForArn("arn:aws:iam::000000000000:root", "000000000000"));

        Assert.Equal(400, status);
        Assert.Equal(expected, type);
        Assert.False(string.IsNullOrEmpty(message));
    }

    private static async Task<(int Status, string? Type, string? Message)> CallAsync(string operation, string body, CallerIdentity caller)
    {
        var services = new ServiceCollection()
            .AddSingleton<IIdentityPolicySource, NoPolicies>()
            .AddSingleton<Authorizer>()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Options.Create(new ApiOptions()))
            .AddSingleton<RequestScope>()
            .AddSingleton<ILogGroupStore, UnreachableLogGroupStore>()
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Features.Set(caller);
        context.Request.Method = "POST";
        context.Request.Path = "/";
        context.Request.Headers["X-Amz-Target"] = LogsProtocol.TargetPrefix + operation;
        context.Request.ContentType = LogsProtocol.ContentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        var response = new MemoryStream();
        context.Response.Body = response;

        var middleware = new LogsEndpointMiddleware(_ => throw new InvalidOperationException("A Logs request went past the Logs protocol."));
        await middleware.InvokeAsync(context);

        Assert.Equal(LogsProtocol.ContentType, context.Response.ContentType);
        using var answer = JsonDocument.Parse(response.ToArray());
        return (context.Response.StatusCode, answer.RootElement.GetProperty("__type").GetString(), answer.RootElement.GetProperty("message").GetString());
    }
}
