// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// The behavioural invoke cases (Scripts/invoke.py) and the isolation basics (Scripts/isolation.py) under the bwrap
/// sandbox; the same cases run under runc in Boto3InvokeTests and IsolationTests (the default sandbox as root).
/// </summary>
public sealed class BwrapSandboxTests(BwrapServerFixture fixture) : IClassFixture<BwrapServerFixture>
{
    [Theory]
    [InlineData("python_context_and_warm_reuse")]
    [InlineData("parallel_invokes_get_separate_environments")]
    [InlineData("handler_errors")]
    [InlineData("init_errors")]
    [InlineData("timeout_and_crash")]
    [InlineData("payload_limits_and_invocation_types")]
    [InlineData("event_is_delivered")]
    [InlineData("node_handlers")]
    [InlineData("custom_runtime")]
    public async Task InvokeCase_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("invoke.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed under bwrap: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("identity_and_filesystem")]
    [InlineData("tmp_is_limited")]
    [InlineData("tmp_is_private")]
    public async Task IsolationCase_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("isolation.py", name);

        Assert.True(result.ExitCode == 0, $"isolation case {name} failed under bwrap: {result}\n--- server\n{server.Output}");
    }

    [Fact]
    public async Task Start_SaysWhichSandboxAndWhatItLacks()
    {
        var (server, _) = fixture.Require();

        Assert.Contains(
            "Sandbox: bwrap (each environment in its own user, pid and mount namespaces: read-only root, private /tmp, no capabilities; "
            + "no memory or CPU limits (they need a cgroup this user may write); with outbound network it shares the host's network)",
            server.Output,
            StringComparison.Ordinal);
    }
}
