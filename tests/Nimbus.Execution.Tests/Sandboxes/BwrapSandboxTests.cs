// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// The bwrap backend against the real bubblewrap and nimbus-init: each boundary is tried from inside by a /bin/sh
/// runtime. Needs bubblewrap (RuncTestHost.CreateForBwrap: skipped with a reason outside CI, a failure in CI).
/// </summary>
public sealed class BwrapSandboxTests
{
    [Fact]
    public async Task Start_Script_RootCodeAndOptAreReadOnly_TmpIsPrivateAndSized()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.CreateForBwrap();
        var factory = host.CreateBwrapFactory();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(ephemeralStorageMb: 16), ct);
        await using (sandbox)
        using (connection)
        {
            var output = await RuncTestHost.RunScriptAsync(
                connection,
                """
                touch /x 2>/dev/null && echo "root=writable" || echo "root=readonly"
                touch /var/task/x 2>/dev/null && echo "task=writable" || echo "task=readonly"
                touch /usr/x 2>/dev/null && echo "usr=writable" || echo "usr=readonly"
                touch /opt/x 2>/dev/null && echo "opt=writable" || echo "opt=readonly"
                touch /var/runtime/x 2>/dev/null && echo "runtime=writable" || echo "runtime=readonly"
                cat /var/task/handler.txt
                echo "tmpfiles=$(ls -A /tmp | wc -l)"
                echo hello > /tmp/small && echo "tmp=writable"
                dd if=/dev/zero of=/tmp/big bs=1M count=32 2>&1 | grep -o 'No space left on device' | head -1
                echo "tmpsize=$(df -m /tmp | tail -1 | awk '{print $2}')"
                echo "uid=$(id -u) gid=$(id -g)"
                grep -E '^CapEff:' /proc/self/status
                """,
                ct);
            AssertOutput(output, "root=readonly");
            AssertOutput(output, "task=readonly");
            AssertOutput(output, "usr=readonly");
            AssertOutput(output, "opt=readonly");
            AssertOutput(output, "runtime=readonly");
            AssertOutput(output, "code\n");
            AssertOutput(output, "tmpfiles=0");
            AssertOutput(output, "tmp=writable");
            AssertOutput(output, "No space left on device");
            AssertOutput(output, "tmpsize=16");
            AssertOutput(output, "uid=993 gid=993");
            Assert.Matches(@"CapEff:\s+0000000000000000", output);
        }
    }

    [Fact]
    public async Task Start_Script_SeesOnlyTheSandboxProcesses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.CreateForBwrap();
        var factory = host.CreateBwrapFactory();
        var spec = host.Spec();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, spec, ct);
        await using (sandbox)
        using (connection)
        {
            var output = await RuncTestHost.RunScriptAsync(
                connection,
                """
                echo "init=$(tr '\0' ' ' < /proc/2/cmdline)"
                echo "count=$(ls /proc | grep -cE '^[0-9]+$')"
                echo "hostname=$(hostname)"
                """,
                ct);

            // bwrap's init is PID 1, nimbus-init PID 2; then sh and the pipeline's ls and grep.
            AssertOutput(output, "init=/var/runtime-init/nimbus-init");
            var count = int.Parse(output.Split("count=")[1].Split('\n')[0], CultureInfo.InvariantCulture);
            Assert.InRange(count, 3, 7);
            AssertOutput(output, "hostname=" + spec.EnvironmentId[..12]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_Script_NetworkFollowsOutboundNetwork(bool outboundNetwork)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.CreateForBwrap();
        var factory = host.CreateBwrapFactory();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(outboundNetwork: outboundNetwork), ct);
        await using (sandbox)
        using (connection)
        {
            var output = await RuncTestHost.RunScriptAsync(connection, "echo \"interfaces=$(awk -F: 'NR > 2 { print $1 }' /proc/net/dev | tr -d ' ' | tr '\\n' ' ')\"", ct);

            // Without outbound network only loopback exists; with it, the host's interfaces are there too.
            var interfaces = output.Split("interfaces=")[1].Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (outboundNetwork)
            {
                Assert.Contains(interfaces, i => i != "lo");
            }
            else
            {
                Assert.Equal(["lo"], interfaces);
            }
        }
    }

    [Fact]
    public async Task DisposeAsync_RunningSandbox_EndsItsProcessesAndRemovesItsDirectory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.CreateForBwrap();
        var factory = host.CreateBwrapFactory();
        var spec = host.Spec();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, spec, ct);
        using (connection)
        {
            await sandbox.DisposeAsync();
        }

        Assert.True(sandbox.Exited.IsCompleted);
        Assert.False(Directory.Exists(Path.Combine(host.Work, "env", spec.EnvironmentId)));
    }

    private static void AssertOutput(string output, string expected) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in:\n{output}");
}
