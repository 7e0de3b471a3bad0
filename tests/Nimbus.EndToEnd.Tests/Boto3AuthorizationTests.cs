// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Authorization with boto3 (Scripts/authz.py): users' policies on Lambda and SQS (allowed, implicitly and explicitly
/// denied, managed policy attached and detached), execution roles (trust, iam:PassRole), a function's role from inside
/// its handler, and a mapping whose role may not read its queue.
/// </summary>
public sealed class Boto3AuthorizationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("user_allowed_one_function_denied_another")]
    [InlineData("explicit_deny_wins")]
    [InlineData("managed_policy_attach_then_detach")]
    [InlineData("user_sqs_send_one_queue_denied_another")]
    [InlineData("function_role_allowed_and_denied_inside_the_handler")]
    [InlineData("mapping_role_without_queue_permission_is_refused")]
    [InlineData("execution_role_must_trust_lambda")]
    [InlineData("pass_role_is_needed_to_create_a_function")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("authz.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
