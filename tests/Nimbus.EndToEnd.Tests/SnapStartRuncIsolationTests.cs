// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// SnapStart's isolation under runc (Scripts/snapstart_isolation.py, docs/cold-starts.md#snapstart): a template
/// cannot choose what host path restored containers get, function code in a restored environment cannot order more
/// runtimes from the template, what after-restore hooks start is in the restored container's cgroup, connections
/// init opened are dead after a restore, the container's PID 1 reaps orphans and survives SIGINT, a runtime that is not
/// locked down fails its environment's start (spare or not), and a template's child stuck entering a restored
/// container fails that restore instead of hanging it.
/// </summary>
public sealed class SnapStartRuncIsolationTests(RuncServerFixture fixture) : IClassFixture<RuncServerFixture>
{
    [Theory]
    [InlineData("template_cannot_choose_the_bind_source")]
    [InlineData("restored_code_cannot_order_forks")]
    [InlineData("hook_processes_in_the_restored_cgroup")]
    [InlineData("init_sockets_dead_after_restore")]
    [InlineData("orphans_reaped")]
    [InlineData("template_with_threads_fails")]
    [InlineData("runtime_not_locked_down_is_refused")]
    [InlineData("stuck_entering_child_fails_the_restore")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("snapstart_isolation.py", name);

        Assert.True(result.ExitCode == 0, $"SnapStart isolation case {name} under runc failed: {result}\n--- server\n{server.Output}");
    }
}
