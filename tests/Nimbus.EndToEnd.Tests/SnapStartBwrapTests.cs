// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Under bwrap a python SnapStart version gets pre-initialized spares (docs/cold-starts.md#snapstart): a runtime forked
/// from a template would share the template's sandbox there, so each environment runs its own init ahead of need.
/// </summary>
public sealed class SnapStartBwrapTests(BwrapServerFixture fixture) : IClassFixture<BwrapServerFixture>
{
    [Fact]
    public async Task PublishVersion_UnderBwrap_RestoresFromPreinitializedSpares()
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("snapstart.py", "spares_hooks_and_restore_report");

        Assert.True(result.ExitCode == 0, $"SnapStart under bwrap failed: {result}\n--- server\n{server.Output}");
    }
}
