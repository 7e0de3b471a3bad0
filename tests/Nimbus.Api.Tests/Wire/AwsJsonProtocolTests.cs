// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.CloudWatch;
using Nimbus.Api.Logs;
using Nimbus.Api.Wire;

namespace Nimbus.Api.Tests.Wire;

/// <summary>The shared AWS JSON protocol: target dispatch, and errors in the JSON 1.1 and awsQueryCompatible shapes.</summary>
public sealed class AwsJsonProtocolTests
{
    [Fact]
    public void Operation_OfATarget_IsTheNameAfterThePrefix()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Amz-Target"] = "Logs_20140328.PutLogEvents";

        Assert.True(LogsProtocol.Json.IsRequest(context.Request));
        Assert.False(CloudWatchProtocol.Json.IsRequest(context.Request));
        Assert.Equal("PutLogEvents", LogsProtocol.Json.Operation(context.Request));
    }

    [Fact]
    public async Task WriteError_Json11_NamesTheTypeInHeaderAndBody()
    {
        var (context, body) = Context();

        await LogsProtocol.Json.WriteErrorAsync(context, new AwsJsonError("ResourceNotFoundException", "The specified log group does not exist."));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", context.Response.ContentType);
        Assert.Equal("ResourceNotFoundException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.False(context.Response.Headers.ContainsKey("x-amzn-query-error"));
        using var json = JsonDocument.Parse(body.ToArray());
        Assert.Equal("ResourceNotFoundException", json.RootElement.GetProperty("__type").GetString());
        Assert.Equal("The specified log group does not exist.", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task WriteError_QueryCompatible_QualifiesTheTypeAndGivesTheQueryCode()
    {
        var (context, body) = Context();

        await CloudWatchProtocol.Json.WriteErrorAsync(context, new AwsJsonError("InvalidParameterValueException", "bad", 400, "InvalidParameterValue"));

        Assert.Equal("application/x-amz-json-1.0", context.Response.ContentType);
        Assert.Equal("InvalidParameterValue;Sender", context.Response.Headers["x-amzn-query-error"].ToString());
        Assert.False(context.Response.Headers.ContainsKey("x-amzn-ErrorType"));
        using var json = JsonDocument.Parse(body.ToArray());
        Assert.Equal("com.amazonaws.cloudwatch#InvalidParameterValueException", json.RootElement.GetProperty("__type").GetString());
    }

    private static (DefaultHttpContext Context, MemoryStream Body) Context()
    {
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        return (context, body);
    }
}
