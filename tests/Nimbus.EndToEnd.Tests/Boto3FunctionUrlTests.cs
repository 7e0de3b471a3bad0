// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Function URLs and response streaming with boto3, http.client, urllib and curl (Scripts/urls.py): the config API's
/// texts, the payload 2.0 event over both URL forms, bodies and answers, CORS, AWS_IAM signed and unsigned, streamed
/// answers through a URL and InvokeWithResponseStream (Node's streamifyResponse and a custom runtime).
/// </summary>
public sealed class Boto3FunctionUrlTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("config_api")]
    [InlineData("request_event")]
    [InlineData("bodies_and_answers")]
    [InlineData("cors")]
    [InlineData("changes_take_effect")]
    [InlineData("iam_auth")]
    [InlineData("public_statements")]
    [InlineData("iam_auth_needs_both_actions")]
    [InlineData("streaming_url")]
    [InlineData("invoke_with_response_stream")]
    [InlineData("custom_runtime_streaming")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("urls.py", name);

        Assert.True(result.ExitCode == 0, $"case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
