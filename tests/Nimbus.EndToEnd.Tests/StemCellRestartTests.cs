// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A server killed while stem cells wait leaves their containers and host mounts behind; the next start detaches and
/// removes them (nothing of them stays mounted under the data directory) and makes new cells that work, for the
/// runtimes it is configured with and for those in demand before it was killed.
/// </summary>
public sealed class StemCellRestartTests(StemCellServerFixture fixture) : IClassFixture<StemCellServerFixture>
{
    [Fact]
    public async Task KillWithCellsWaiting_RestartRemovesTheirMountsAndMakesNewOnes()
    {
        var (server, clients) = fixture.Require();
        var ct = TestContext.Current.CancellationToken;
        var before = await PollCellsAsync(server.DataDir, cells => cells.Count >= 2, ct);

        await server.KillAsync();
        Assert.Equal(before, CellMounts(server.DataDir));

        await server.RestartAsync(ct);
        var after = await PollCellsAsync(server.DataDir, cells => cells.Count >= 2 && !cells.Overlaps(before), ct);
        Assert.DoesNotContain(before, after.Contains);
        var result = await clients.Boto3Async("stemcells.py", "first_invoke_takes_a_cell", server.DataDir);
        Assert.True(result.ExitCode == 0, $"after the restart: {result}\n--- server\n{server.Output}");
    }

    [Fact]
    public async Task RuntimeInDemandBeforeAKill_HasACellAfterTheRestartBeforeAnyColdStart()
    {
        var (server, clients) = fixture.Require();
        var ct = TestContext.Current.CancellationToken;
        var before = await clients.Boto3Async("stemcells.py", "runtime_put_in_demand", server.DataDir);
        Assert.True(before.ExitCode == 0, $"before the kill: {before}\n--- server\n{server.Output}");

        await server.KillAsync();
        await server.RestartAsync(ct);

        var after = await clients.Boto3Async("stemcells.py", "runtime_in_demand_before_the_restart", server.DataDir);
        Assert.True(after.ExitCode == 0, $"after the restart: {after}\n--- server\n{server.Output}");
    }

    /// <summary>The ids of the cells whose shared mount point is mounted under the data directory.</summary>
    private static HashSet<string> CellMounts(string dataDir)
    {
        var prefix = Path.Combine(dataDir, "run", "env") + "/";
        var cells = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var point = line.Split(' ')[4];
            if (point.StartsWith(prefix, StringComparison.Ordinal) && point.EndsWith("/cell", StringComparison.Ordinal))
            {
                cells.Add(point[prefix.Length..^"/cell".Length]);
            }
        }

        return cells;
    }

    private static async Task<HashSet<string>> PollCellsAsync(string dataDir, Func<HashSet<string>, bool> done, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var cells = CellMounts(dataDir);
            if (done(cells))
            {
                return cells;
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
