// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// SnapStart under the process sandbox (Scripts/snapstart.py): statuses, AWS's validation, hooks and their order,
/// AWS_LAMBDA_INITIALIZATION_TYPE, Restore Duration, values of init shared and of after-restore distinct, a failed
/// init, a version deleted with its snapshot, a restored runtime (adopted by nimbus-init, not its child) ended by a
/// timeout, the Invoke errors of a failed or slow restore, and the Telemetry API's restore events.
/// </summary>
public sealed class Boto3SnapStartTests(ProcessServerFixture fixture) : IClassFixture<ProcessServerFixture>
{
    [Theory]
    [InlineData("statuses_hooks_and_restore_report")]
    [InlineData("init_shared_after_restore_distinct")]
    [InlineData("validation")]
    [InlineData("restored_runtime_killed_on_timeout")]
    [InlineData("after_restore_hook_error_is_snapstart_exception")]
    [InlineData("after_restore_past_the_init_limit_is_snapstart_timeout")]
    [InlineData("failed_init_fails_the_version")]
    [InlineData("version_deleted_with_its_snapshot")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("snapstart.py", name);

        Assert.True(result.ExitCode == 0, $"SnapStart case {name} failed: {result}\n--- server\n{server.Output}");
    }

    [Fact]
    public async Task RestoredEnvironment_TelemetrySubscriberGetsRestoreEvents()
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("extensions.py", "restore_telemetry");

        Assert.True(result.ExitCode == 0, $"extension case restore_telemetry failed: {result}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
