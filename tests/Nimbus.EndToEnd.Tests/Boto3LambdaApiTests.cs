// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The Lambda function API driven by boto3 (Scripts/lambda_api.py holds the assertions of each case).</summary>
public sealed class Boto3LambdaApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("lifecycle")]
    [InlineData("names_and_arns")]
    [InlineData("validation_errors")]
    [InlineData("oversize_code")]
    [InlineData("paging")]
    [InlineData("account_settings")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("lambda_api.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
