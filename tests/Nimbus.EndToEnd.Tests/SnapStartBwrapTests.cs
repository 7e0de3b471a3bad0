// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Under bwrap SnapStart snapshots are not built (docs/cold-starts.md#snapstart): publishing a SnapStart version
/// fails it with a reason rather than forking runtimes that would share their template's sandbox.
/// </summary>
public sealed class SnapStartBwrapTests(BwrapServerFixture fixture) : IClassFixture<BwrapServerFixture>
{
    [Fact]
    public async Task PublishVersion_UnderBwrap_FailsWithReason()
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("snapstart.py", "sandbox_refuses_snapshots", "bwrap");

        Assert.True(result.ExitCode == 0, $"SnapStart under bwrap failed: {result}\n--- server\n{server.Output}");
    }
}
