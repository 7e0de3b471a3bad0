// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// SnapStart of dotnet8/dotnet10 functions (Scripts/snapstart_dotnet.py, docs/cold-starts.md#snapstart) under the
/// process sandbox: pre-initialized spares whose SnapshotRestore hooks ran before-snapshot at publishing and run
/// after-restore when a new environment takes them; statuses, Restore Duration and both hook failures.
/// </summary>
public sealed class SnapStartDotnetTests(ProcessServerFixture fixture) : IClassFixture<ProcessServerFixture>
{
    [Theory]
    [InlineData("dotnet10", "statuses_hooks_and_restore_report")]
    [InlineData("dotnet8", "statuses_hooks_and_restore_report")]
    [InlineData("dotnet10", "failing_before_hook_fails_the_version")]
    [InlineData("dotnet10", "failing_after_hook_is_snapstart_exception")]
    public async Task Case_Passes(string runtime, string name)
    {
        var (server, clients) = fixture.Require();
        var build = await DotnetFunctionBuild.GetAsync();

        var result = await SnapStartDotnetCases.RunAsync(clients, build, runtime, name);

        Assert.True(result.ExitCode == 0, $".NET SnapStart case {name} on {runtime} failed: {result}\n--- server\n{server.Output}");
    }
}
