// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A SnapStart version survives a restart: it stays Active with OptimizationStatus On, its snapshot (template) is made
/// again, and a new environment after the restart starts from the new one.
/// </summary>
public sealed class SnapStartRestartTests(ProcessServerFixture fixture) : IClassFixture<ProcessServerFixture>
{
    [Fact]
    public async Task Restart_MakesTheSnapshotAgain()
    {
        var (server, clients) = fixture.Require();
        var ct = TestContext.Current.CancellationToken;
        var state = Path.Combine(server.DataDir, "snapstart-restart.json");
        var before = await clients.Boto3Async("snapstart.py", "before_restart", state);
        Assert.True(before.ExitCode == 0, $"before the restart: {before}\n--- server\n{server.Output}");

        Assert.Equal(0, await server.StopAsync(ct));
        await server.RestartAsync(ct);

        var after = await clients.Boto3Async("snapstart.py", "after_restart", state);
        Assert.True(after.ExitCode == 0, $"after the restart: {after}\n--- server\n{server.Output}");
    }
}
