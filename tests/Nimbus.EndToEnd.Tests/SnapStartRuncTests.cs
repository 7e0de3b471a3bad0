// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// SnapStart under runc (Scripts/snapstart.py, docs/cold-starts.md#snapstart): a restored environment is a container
/// of its own whose runtime the template forked into it. The case checks from inside the runtime and from the host:
/// Restore Duration, snap-start, the hooks; uid 993 without capabilities under no_new_privs and seccomp; its own
/// hostname, /tmp and pid namespace (the template out of sight); its container's memory cgroup and limit (an OOM
/// kill); init's values shared and the after-restore ones distinct across environments; a timeout ending it; an
/// external extension started in the restored container before its runtime gets its environment; and the
/// cases of Boto3SnapStartTests that do not look at the host (hook errors, the restore's time limit, validation, a
/// failed init).
/// </summary>
public sealed class SnapStartRuncTests(RuncServerFixture fixture) : IClassFixture<RuncServerFixture>
{
    [Theory]
    [InlineData("runc_restored_runtime_confined")]
    [InlineData("runc_restored_runtime_ends_on_timeout")]
    [InlineData("runc_restores_go_on_after_environments_end")]
    [InlineData("runc_restored_with_an_external_extension")]
    [InlineData("after_restore_hook_error_is_snapstart_exception")]
    [InlineData("after_restore_past_the_init_limit_is_snapstart_timeout")]
    [InlineData("validation")]
    [InlineData("failed_init_fails_the_version")]
    public async Task Case_Passes(string name)
    {
        var (server, clients) = fixture.Require();

        var result = await clients.Boto3Async("snapstart.py", name);

        Assert.True(result.ExitCode == 0, $"SnapStart case {name} under runc failed: {result}\n--- server\n{server.Output}");
    }
}
