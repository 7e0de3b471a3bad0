// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// The host's check of a SnapStart runtime forked into a restored container (<see cref="RuncLockdownCheck"/>): a
/// process that is not the sandbox uid without capabilities, under no_new_privs and seccomp, is refused.
/// </summary>
public sealed class RuncLockdownCheckTests
{
    [Fact]
    public void The_test_process_itself_is_not_locked_down()
    {
        var problem = RuncLockdownCheck.Problem(Environment.ProcessId);

        Assert.NotNull(problem);
        Assert.Matches("^(Uid|Gid|Cap[A-Za-z]+|NoNewPrivs|Seccomp) ", problem);
    }

    [Fact]
    public void A_gone_process_cannot_be_checked()
    {
        Assert.Throws<DirectoryNotFoundException>(() => RuncLockdownCheck.Problem(int.MaxValue));
    }
}
