// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The CloudWatch Logs API with boto3's logs client (Scripts/logs.py).</summary>
public sealed class Boto3LogsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("groups_and_streams")]
    [InlineData("get_log_events_pages_until_the_same_token")]
    [InlineData("put_log_events_follows_awss_rules")]
    [InlineData("filter_log_events_with_patterns")]
    [InlineData("function_logs_are_in_their_group")]
    [InlineData("output_reaches_the_log_while_the_function_runs")]
    [InlineData("validation_and_retention_errors")]
    [InlineData("tags")]
    [InlineData("json_log_format_and_custom_group")]
    [InlineData("authentication_errors_are_in_logs_json")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("logs.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
