// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>SigV4 authentication with boto3: right, unknown, wrong, missing keys; tampering; stale dates; role sessions (Scripts/auth.py).</summary>
public sealed class Boto3AuthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("right_key_works")]
    [InlineData("unknown_key_is_unrecognized")]
    [InlineData("wrong_secret_is_invalid_signature")]
    [InlineData("missing_credentials_are_refused")]
    [InlineData("tampered_body_is_refused")]
    [InlineData("stale_date_is_expired")]
    [InlineData("function_calls_back_with_its_role_session")]
    [InlineData("session_key_without_its_token_is_refused")]
    [InlineData("presigned_request_works")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("auth.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
