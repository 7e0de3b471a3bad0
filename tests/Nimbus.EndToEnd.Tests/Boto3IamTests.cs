// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>IAM and STS with boto3's <c>iam</c> and <c>sts</c> clients against the real server (Scripts/iam.py).</summary>
public sealed class Boto3IamTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("user_key_lifecycle")]
    [InlineData("inline_policy_allows_get_user_not_list_users")]
    [InlineData("managed_policy_attach_detach")]
    [InlineData("groups_grant_their_policies")]
    [InlineData("assume_role_by_trust_policy")]
    [InlineData("malformed_forms_get_aws_errors")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("iam.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
