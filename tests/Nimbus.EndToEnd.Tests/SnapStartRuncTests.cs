// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Under runc, SnapStart snapshots are not built yet (docs/cold-starts.md#snapstart): publishing a SnapStart version
/// fails it with a reason rather than forking runtimes that would share their template's container.
/// </summary>
public sealed class SnapStartRuncTests(RuncServerFixture fixture) : IClassFixture<RuncServerFixture>
{
    [Fact]
    public async Task PublishVersion_UnderRunc_FailsWithReason()
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("snapstart.py", "runc_refuses_snapshots");

        Assert.True(result.ExitCode == 0, $"SnapStart under runc failed: {result}\n--- server\n{server.Output}");
    }
}
