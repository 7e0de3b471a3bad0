// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// SnapStart of java17 functions under the process sandbox (Scripts/snapstart_java.py, docs/cold-starts.md#snapstart):
/// pre-initialized spares whose CRaC resources heard of the checkpoint at publishing (or refill) time and hear of the
/// restore when a new environment takes them; statuses, AWS_LAMBDA_INITIALIZATION_TYPE, Restore Duration, a failing
/// hook either way, a version deleted with its spares, and the spares made again after a restart.
/// </summary>
public sealed class SnapStartJavaTests(ProcessServerFixture fixture) : IClassFixture<ProcessServerFixture>
{
    [Theory]
    [InlineData("statuses_hooks_and_restore_report")]
    [InlineData("restored_without_a_spare")]
    [InlineData("failing_before_hook_fails_the_version")]
    [InlineData("failing_after_hook_is_snapstart_exception")]
    [InlineData("version_deleted_drops_spares")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("snapstart_java.py", name);

        Assert.True(result.ExitCode == 0, $"Java SnapStart case {name} failed: {result}\n--- server\n{server.Output}");
    }

    [Fact]
    public async Task Restart_MakesTheSparesAgain()
    {
        var (server, clients) = fixture.Require();
        var ct = TestContext.Current.CancellationToken;
        var state = Path.Combine(server.DataDir, "snapstart-java-restart.json");
        var before = await clients.Boto3Async("snapstart_java.py", "before_restart", state);
        Assert.True(before.ExitCode == 0, $"before the restart: {before}\n--- server\n{server.Output}");

        Assert.Equal(0, await server.StopAsync(ct));
        await server.RestartAsync(ct);

        var after = await clients.Boto3Async("snapstart_java.py", "after_restart", state);
        Assert.True(after.ExitCode == 0, $"after the restart: {after}\n--- server\n{server.Output}");
    }
}
