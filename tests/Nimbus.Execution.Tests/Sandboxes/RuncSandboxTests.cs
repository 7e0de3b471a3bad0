// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// The runc backend against the real runc and nimbus-init: each limit is tried from inside by a /bin/sh runtime.
/// Needs root and runc (RuncTestHost: skipped with a reason outside CI, a failure in CI).
/// </summary>
public sealed class RuncSandboxTests
{
    [Fact]
    public async Task Start_Script_RunsUnprivilegedWithoutCapabilities()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var spec = host.Spec();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, spec, ct);
        await using (sandbox)
        using (connection)
        {
            var output = await RuncTestHost.RunScriptAsync(
                connection,
                """
                echo "uid=$(id -u) gid=$(id -g)"
                grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status
                grep -E '^NoNewPrivs:' /proc/self/status
                echo "hostname=$(hostname)"
                """,
                ct);
            AssertOutput(output, "uid=993 gid=993");
            Assert.Matches(@"CapEff:\s+0000000000000000", output);
            Assert.Matches(@"CapPrm:\s+0000000000000000", output);
            Assert.Matches(@"CapBnd:\s+0000000000000000", output);
            Assert.Matches(@"NoNewPrivs:\s+1", output);
            AssertOutput(output, "hostname=" + spec.EnvironmentId[..12]);
        }
    }

    [Fact]
    public async Task Start_Script_SeesOnlyTheSandboxProcesses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(), ct);
        await using (sandbox)
        using (connection)
        {
            var output = await RuncTestHost.RunScriptAsync(
                connection,
                """
                echo "pid1=$(tr '\0' ' ' < /proc/1/cmdline)"
                echo "count=$(ls /proc | grep -cE '^[0-9]+$')"
                """,
                ct);
            // PID 1 is tini (its static build when installed, as Debian's tini package installs it) running nimbus-init,
            // or nimbus-init itself.
            var tini = File.Exists("/usr/bin/tini-static") ? "/usr/bin/tini-static" : File.Exists("/usr/bin/tini") ? "/usr/bin/tini" : null;
            AssertOutput(output, tini is not null ? $"pid1={tini} -- " + RuncBundle.InitPath : "pid1=" + RuncBundle.InitPath);
            var count = int.Parse(output.Split("count=")[1].Split('\n')[0], CultureInfo.InvariantCulture);

            // tini, nimbus-init, sh, and the pipeline's ls and grep (a subshell at most).
            Assert.InRange(count, 2, 7);
            Assert.DoesNotContain(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_Script_RootAndCodeAreReadOnlyAndTmpIsLimited()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
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
                cat /var/task/handler.txt
                echo hello > /tmp/small && echo "tmp=writable"
                dd if=/dev/zero of=/tmp/big bs=1M count=32 2>&1 | grep -o 'No space left on device' | head -1
                echo "tmpsize=$(df -m /tmp | tail -1 | awk '{print $2}')"
                """,
                ct);
            AssertOutput(output, "root=readonly");
            AssertOutput(output, "task=readonly");
            AssertOutput(output, "usr=readonly");
            AssertOutput(output, "opt=readonly");
            AssertOutput(output, "code\n");
            AssertOutput(output, "tmp=writable");
            AssertOutput(output, "No space left on device");
            AssertOutput(output, "tmpsize=16");
        }
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public async Task Start_Script_CannotReachHostLoopback(bool outboundNetwork, bool sharedNetwork)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var factory = host.CreateRuncFactory(sharedNetwork);
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(outboundNetwork: outboundNetwork), ct);
        await using (sandbox)
        using (connection)
        {
            var output = await RuncTestHost.RunScriptAsync(
                connection,
                $$"""
                for address in 127.0.0.1 10.0.2.2; do
                  if timeout 3 bash -c "echo hi > /dev/tcp/$address/{{port}}" 2>/dev/null; then echo "$address=reached"; else echo "$address=refused"; fi
                done
                ip -o -4 addr show | awk '{print "if=" $2 " " $4}'
                """,
                ct);
            AssertOutput(output, "127.0.0.1=refused");
            AssertOutput(output, "10.0.2.2=refused");
            AssertOutput(output, "if=lo 127.0.0.1/8");
            Assert.Equal(outboundNetwork, output.Contains("if=tap0 10.0.2.100/24", StringComparison.Ordinal));
            Assert.False(listener.Pending());
        }
    }

    [Fact]
    public async Task Start_AllocationPastMemorySize_IsKilledAndReportedAsOutOfMemory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(memoryMb: 128), ct);
        await using (sandbox)
        using (connection)
        {
            Assert.False(sandbox.OutOfMemory());
            var output = await RuncTestHost.RunScriptAsync(
                connection,
                """
                python3 -c "b = b'x' * (64 << 20); print('64 MB ok', flush=True); c = b'y' * (256 << 20); print('256 MB ok')"
                echo "status=$?"
                """,
                ct);
            AssertOutput(output, "64 MB ok");
            Assert.DoesNotContain("256 MB ok", output, StringComparison.Ordinal);
            AssertOutput(output, "status=137");
            Assert.True(sandbox.OutOfMemory());
            Assert.InRange(sandbox.PeakMemoryBytes() ?? 0, 64L << 20, 128L << 20);
        }
    }

    [Fact]
    public async Task PeakMemoryBytes_ReadAgain_FollowsTheContainersGrowth()
    {
        // The peak file is held open and read from its start on each call (CgroupNumberFile): each read must be current.
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(memoryMb: 256), ct);
        await using (sandbox)
        using (connection)
        {
            var before = sandbox.PeakMemoryBytes();
            Assert.NotNull(before);
            Assert.True(before < 48L << 20, $"peak before {before}");
            var output = await RuncTestHost.RunScriptAsync(connection, "python3 -c \"b = b'x' * (64 << 20); print('64 MB ok')\"", ct);
            AssertOutput(output, "64 MB ok");
            Assert.InRange(sandbox.PeakMemoryBytes() ?? 0, 64L << 20, 256L << 20);
        }

        Assert.Null(sandbox.PeakMemoryBytes());
    }

    [Fact]
    public async Task Start_Script_SeccompDeniesNamespacesAndMounts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, host.Spec(), ct);
        await using (sandbox)
        using (connection)
        {
            var output = await RuncTestHost.RunScriptAsync(
                connection,
                """
                unshare -U true 2>&1; echo "unshare=$?"
                python3 -c "import ctypes, os; r = ctypes.CDLL(None, use_errno=True).unshare(0x10000000); print('unshare', r, os.strerror(ctypes.get_errno()))"
                python3 -c "import ctypes, os; r = ctypes.CDLL(None, use_errno=True).syscall(56, 0x10000000 | 17, 0, 0, 0, 0); print('clone', r, os.strerror(ctypes.get_errno()))"
                python3 -c "import ctypes, os; r = ctypes.CDLL(None, use_errno=True).syscall(165, b'none', b'/tmp', b'tmpfs', 0, 0); print('mount', r, os.strerror(ctypes.get_errno()))"
                python3 -c "import ctypes, os; r = ctypes.CDLL(None, use_errno=True).syscall(425, 1, ctypes.create_string_buffer(120)); print('io_uring_setup', r, os.strerror(ctypes.get_errno()))"
                python3 -c "import threading; t = threading.Thread(target=print, args=('thread ok',)); t.start(); t.join()"
                """,
                ct);
            AssertOutput(output, "unshare=1");
            AssertOutput(output, "unshare -1 Operation not permitted");
            AssertOutput(output, "clone -1 Operation not permitted");
            AssertOutput(output, "mount -1 Operation not permitted");
            // io_uring's operations are out of seccomp's sight (and a ring made by a SnapStart template would run them
            // as the template): none is made. ENOSYS, as a kernel without it answers: libraries fall back.
            AssertOutput(output, "io_uring_setup -1 Function not implemented");
            AssertOutput(output, "thread ok");
        }
    }

    [Fact]
    public async Task InitializedAsync_AppliesTheCpuQuotaOfTheMemorySize()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var spec = host.Spec(memoryMb: 128);
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, spec, ct);
        await using (sandbox)
        using (connection)
        {
            Assert.Equal("-1", ReadCpuQuota(factory, spec.EnvironmentId));
            await sandbox.InitializedAsync(ct);
            Assert.Equal("7236", ReadCpuQuota(factory, spec.EnvironmentId));
        }
    }

    [Theory]
    [InlineData(128, 7236)]
    [InlineData(1769, 100000)]
    [InlineData(10240, 578858)]
    [InlineData(1, 1000)]
    public void CpuQuotaMicroseconds_MemorySize_IsItsShareOfAVcpu(int memoryMb, long quota) =>
        Assert.Equal(quota, RuncCgroups.CpuQuotaMicroseconds(memoryMb));

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task DisposeAsync_RunningSandbox_LeavesNothingBehind(bool outboundNetwork, bool sharedNetwork)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory(sharedNetwork);
        var spec = host.Spec(outboundNetwork: outboundNetwork);
        var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, spec, ct);
        using (connection)
        {
            Assert.Contains("nimbus-" + spec.EnvironmentId, await ListContainersAsync(host, ct), StringComparison.Ordinal);
            Assert.Contains(factory.Cgroups.Directories(spec.EnvironmentId), Directory.Exists);
            Assert.Equal(outboundNetwork && !sharedNetwork ? 1 : 0, CountNetworkHelpers(host));
            if (outboundNetwork && sharedNetwork)
            {
                // Told without waiting: nimbus-net takes the tap a moment later.
                for (var waited = 0; NimbusNetTaps(factory) != 1; waited++)
                {
                    Assert.True(waited < 500, $"nimbus-net holds {NimbusNetTaps(factory)} taps");
                    await Task.Delay(20, ct);
                }
            }

            await sandbox.DisposeAsync();
            Assert.Equal(RuncSandbox.KilledStatus, await sandbox.Exited);
        }

        Assert.DoesNotContain("nimbus-" + spec.EnvironmentId, await ListContainersAsync(host, ct), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Work, "env", spec.EnvironmentId)));
        Assert.DoesNotContain(Path.Combine(host.Work, "env", spec.EnvironmentId), await File.ReadAllTextAsync("/proc/self/mountinfo", ct), StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Cgroups.Directories(spec.EnvironmentId), Directory.Exists);
        Assert.Equal(0, CountNetworkHelpers(host));
        if (outboundNetwork && sharedNetwork)
        {
            await AssertNimbusNetHoldsNoTapAsync(factory, ct);
        }
    }

    [Fact]
    public async Task Start_TwoSandboxesWithOutboundNetwork_EachHasANetworkNamespaceOfItsOwn()
    {
        // With outbound network slirp4netns attaches to each container's network namespace: that namespace is the
        // container's own (never the host's, never another environment's) and its loopback is up.
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var factory = host.CreateRuncFactory();
        var (first, firstConnection, _) = await RuncTestHost.StartAsync(factory, host.Spec(outboundNetwork: true), ct);
        await using (first)
        using (firstConnection)
        {
            var (second, secondConnection, _) = await RuncTestHost.StartAsync(factory, host.Spec(outboundNetwork: true), ct);
            await using (second)
            using (secondConnection)
            {
                const string Script = """
                    echo "netns=$(readlink /proc/self/ns/net)"
                    ip -o link show lo | grep -o 'state [A-Z]*\|LOOPBACK,UP'
                    """;
                var one = await RuncTestHost.RunScriptAsync(firstConnection, Script, ct);
                var two = await RuncTestHost.RunScriptAsync(secondConnection, Script, ct);
                var hostNamespace = "netns=" + new FileInfo("/proc/self/ns/net").LinkTarget;
                AssertOutput(one, "LOOPBACK,UP");
                AssertOutput(two, "LOOPBACK,UP");
                var namespaceOne = one.Split('\n').Single(line => line.StartsWith("netns=", StringComparison.Ordinal));
                var namespaceTwo = two.Split('\n').Single(line => line.StartsWith("netns=", StringComparison.Ordinal));
                Assert.NotEqual(namespaceOne, namespaceTwo);
                Assert.NotEqual(hostNamespace, namespaceOne);
                Assert.NotEqual(hostNamespace, namespaceTwo);
            }
        }
    }

    [Fact]
    public async Task Create_AfterARunWasAbandoned_SweepsItsContainersAndNothingElse()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        await using var other = RuncTestHost.Create();
        var otherFactory = other.CreateRuncFactory();
        var otherSpec = other.Spec();
        var (otherSandbox, otherConnection, _) = await RuncTestHost.StartAsync(otherFactory, otherSpec, ct);
        await using (otherSandbox)
        using (otherConnection)
        {
            var spec = host.Spec(outboundNetwork: true);
            // slirp4netns: a process per sandbox that the sweep must find (nimbus-net ends with the server's socket).
            var (abandoned, connection, _) = await RuncTestHost.StartAsync(host.CreateRuncFactory(sharedNetwork: false), spec, ct);
            connection.Dispose();
            _ = abandoned; // Never disposed: as if the server had been killed.

            var factory = host.CreateRuncFactory();

            Assert.DoesNotContain("nimbus-" + spec.EnvironmentId, await ListContainersAsync(host, ct), StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(host.Work, "env", spec.EnvironmentId)));
            Assert.DoesNotContain(factory.Cgroups.Directories(spec.EnvironmentId), Directory.Exists);
            Assert.Equal(0, CountNetworkHelpers(host));

            // Another work directory's container is not ours to touch.
            Assert.Contains("nimbus-" + otherSpec.EnvironmentId, await ListContainersAsync(other, ct), StringComparison.Ordinal);
            Assert.False(otherSandbox.Exited.IsCompleted);
        }
    }

    /// <summary>
    /// Each backend starts, reaches nimbus-init's Hello and is disposed again and again in one work directory, leaving
    /// no container, environment directory, cgroup or network helper behind. (Start-up figures are the bench's
    /// `isolation` figure, not a test's.)
    /// </summary>
    [Fact]
    public async Task StartAsync_RepeatedlyOnEachBackend_SaysHelloAndLeavesNothingBehind()
    {
        const int Rounds = 3;
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var runc = host.CreateRuncFactory();
        var slirp = host.CreateRuncFactory(sharedNetwork: false);
        var process = new ProcessSandboxFactory(Path.Combine(host.Work, "process"));
        foreach (var (factory, network) in new (ISandboxFactory, bool)[] { (process, false), (runc, false), (runc, true), (slirp, true) })
        {
            for (var i = 0; i < Rounds; i++)
            {
                var spec = host.Spec(outboundNetwork: network);
                var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, spec, ct);
                connection.Dispose();
                await sandbox.DisposeAsync();
                Assert.True(sandbox.Exited.IsCompleted, $"{factory.GetType().Name} round {i}: not exited after DisposeAsync");
                Assert.DoesNotContain("nimbus-" + spec.EnvironmentId, await ListContainersAsync(host, ct), StringComparison.Ordinal);
                Assert.DoesNotContain(runc.Cgroups.Directories(spec.EnvironmentId), Directory.Exists);
                Assert.Equal(0, CountNetworkHelpers(host));
                if (factory == runc && network)
                {
                    await AssertNimbusNetHoldsNoTapAsync(runc, ct);
                }
            }
        }
    }

    private static void AssertOutput(string output, string expected) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in:\n{output}");

    private static string? ReadCpuQuota(RuncSandboxFactory factory, string environmentId)
    {
        var file = factory.Cgroups.IsUnified
            ? Path.Combine("/sys/fs/cgroup", RuncCgroups.Parent, environmentId, "cpu.max")
            : Path.Combine("/sys/fs/cgroup/cpu", RuncCgroups.Parent, environmentId, "cpu.cfs_quota_us");
        var text = File.ReadAllText(file).Trim();
        return factory.Cgroups.IsUnified ? (text.Split(' ')[0] == "max" ? "-1" : text.Split(' ')[0]) : text;
    }

    private static async Task<string> ListContainersAsync(RuncTestHost host, CancellationToken cancellationToken)
    {
        var result = await Nimbus.TestKit.ChildProcess.RunAsync("runc", ["--root", host.RuncRoot, "list", "-q"], cancellationToken: cancellationToken);
        return result.StandardOutput;
    }

    /// <summary>nimbus-net closes a sandbox's tap once the sandbox is gone.</summary>
    private static async Task AssertNimbusNetHoldsNoTapAsync(RuncSandboxFactory factory, CancellationToken cancellationToken)
    {
        for (var waited = 0; NimbusNetTaps(factory) > 0; waited++)
        {
            Assert.True(waited < 500, $"nimbus-net still holds {NimbusNetTaps(factory)} taps");
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The taps (descriptors of /dev/net/tun) the running nimbus-net holds.</summary>
    private static int NimbusNetTaps(RuncSandboxFactory factory)
    {
        var pid = factory.SharedNetwork?.ProcessId ?? throw new InvalidOperationException("nimbus-net is not running");
        return Directory.GetFiles($"/proc/{pid}/fd").Count(fd => new FileInfo(fd).LinkTarget == "/dev/net/tun");
    }

    private static int CountNetworkHelpers(RuncTestHost host)
    {
        var marker = $"{RuncNetwork.OwnerVariable}={host.RuncRoot}";
        var count = 0;
        foreach (var process in Process.GetProcessesByName("slirp4netns"))
        {
            using (process)
            {
                try
                {
                    if (File.ReadAllText($"/proc/{process.Id}/environ").Split('\0').Contains(marker))
                    {
                        count++;
                    }
                }
                catch (IOException)
                {
                }
            }
        }

        return count;
    }
}
