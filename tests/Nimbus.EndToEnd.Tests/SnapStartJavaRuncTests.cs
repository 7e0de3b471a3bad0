// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// SnapStart of java17 functions under runc (Scripts/snapstart_java.py): the pre-initialized spare is a container
/// like any environment, a refilled one waiting at a stem cell's CPU share; its hooks, AWS_LAMBDA_INITIALIZATION_TYPE, Restore Duration and both hook failures.
/// </summary>
public sealed class SnapStartJavaRuncTests(RuncServerFixture fixture) : IClassFixture<RuncServerFixture>
{
    [Theory]
    [InlineData("runc_restored")]
    [InlineData("runc_refilled_spare_waits_at_low_priority")]
    [InlineData("failing_before_hook_fails_the_version")]
    [InlineData("failing_after_hook_is_snapstart_exception")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("snapstart_java.py", name);

        Assert.True(result.ExitCode == 0, $"Java SnapStart case {name} under runc failed: {result}\n--- server\n{server.Output}");
    }
}
