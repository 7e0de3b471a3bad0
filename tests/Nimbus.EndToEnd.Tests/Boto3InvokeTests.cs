// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>Invoking functions with boto3: runtimes, context, warm reuse, errors, limits (Scripts/invoke.py).</summary>
public sealed class Boto3InvokeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("python_context_and_warm_reuse")]
    [InlineData("parallel_invokes_get_separate_environments")]
    [InlineData("handler_errors")]
    [InlineData("init_errors")]
    [InlineData("timeout_and_crash")]
    [InlineData("payload_limits_and_invocation_types")]
    [InlineData("event_is_delivered")]
    [InlineData("invoke_async_deprecated")]
    [InlineData("node_handlers")]
    [InlineData("custom_runtime")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("invoke.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
