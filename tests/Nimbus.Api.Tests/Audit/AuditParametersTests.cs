// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Nimbus.Api.Audit;

namespace Nimbus.Api.Tests.Audit;

public sealed class AuditParametersTests
{
    [Fact]
    public void Build_CreateFunctionBody_CamelCasesAndHidesEnvironmentAndCode()
    {
        var request = new DefaultHttpContext().Request;
        using var body = JsonDocument.Parse("""
            {"FunctionName":"f","Runtime":"python3.11","Environment":{"Variables":{"DB_PASSWORD":"hunter2"}},
             "Code":{"ZipFile":"UEsDBA=="},"Tags":{"Team":"core"},"Layers":["arn:aws:lambda:us-east-1:000000000000:layer:l:1"]}
            """);

        var json = AuditParameters.Build(request, body.RootElement, null);

        Assert.Equal(
            """{"functionName":"f","runtime":"python3.11","environment":{"variables":"HIDDEN_DUE_TO_SECURITY_REASONS"},"code":{"zipFile":"HIDDEN_DUE_TO_SECURITY_REASONS"},"tags":{"Team":"core"},"layers":["arn:aws:lambda:us-east-1:000000000000:layer:l:1"]}""",
            json);
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        Assert.DoesNotContain("DB_PASSWORD", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_QueryForm_SkipsActionVersionAndSigningAndHidesSecrets()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?Qualifier=live&X-Amz-Signature=abc&X-Amz-Security-Token=tok");
        var form = new FormCollection(new Dictionary<string, StringValues>
        {
            ["Action"] = "SendMessageBatch",
            ["Version"] = "2012-11-05",
            ["QueueUrl"] = "http://127.0.0.1:9000/000000000000/q",
            ["SendMessageBatchRequestEntry.1.MessageBody"] = "private words",
            ["Password"] = "p4ss",
        });

        var json = AuditParameters.Build(context.Request, null, form);

        Assert.Equal(
            """{"qualifier":"live","queueUrl":"http://127.0.0.1:9000/000000000000/q","sendMessageBatchRequestEntry.1.MessageBody":"HIDDEN_DUE_TO_SECURITY_REASONS","password":"HIDDEN_DUE_TO_SECURITY_REASONS"}""",
            json);
    }

    [Fact]
    public void Build_Nothing_IsNull() => Assert.Null(AuditParameters.Build(new DefaultHttpContext().Request, null, null));

    [Fact]
    public void Response_CreateFunctionAnswer_CamelCasesAndHidesEnvironmentVariables()
    {
        var answer = """
            {"FunctionName":"f","FunctionArn":"arn:aws:lambda:us-east-1:000000000000:function:f","Runtime":"python3.11","MemorySize":128,
             "Environment":{"Variables":{"DB_PASSWORD":"hunter2"}},"TracingConfig":{"Mode":"PassThrough"},"Layers":[{"Arn":"arn:l","CodeSize":5}]}
            """u8;

        var json = AuditParameters.Response(answer);

        Assert.Equal(
            """{"functionName":"f","functionArn":"arn:aws:lambda:us-east-1:000000000000:function:f","runtime":"python3.11","memorySize":128,"environment":{"variables":"HIDDEN_DUE_TO_SECURITY_REASONS"},"tracingConfig":{"mode":"PassThrough"},"layers":[{"arn":"arn:l","codeSize":5}]}""",
            json);
    }

    [Fact]
    public void Response_RegistryToken_IsHidden()
    {
        var json = AuditParameters.Response("""{"authorizationData":[{"authorizationToken":"QVdTOnNlY3JldA==","proxyEndpoint":"http://x"}]}"""u8);

        Assert.Equal("""{"authorizationData":[{"authorizationToken":"HIDDEN_DUE_TO_SECURITY_REASONS","proxyEndpoint":"http://x"}]}""", json);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public void Response_NoJsonObject_IsNull(string body) => Assert.Null(AuditParameters.Response(System.Text.Encoding.UTF8.GetBytes(body)));
}
