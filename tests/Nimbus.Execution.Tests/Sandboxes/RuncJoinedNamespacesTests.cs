// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// A runc sandbox joining a user namespace owned by the sandbox uid and a pid namespace made beforehand
/// (<see cref="RuncJoinedNamespaces"/>, the container SnapStart under runc restores into; docs/cold-starts.md):
/// it must be as locked down as a usual one. The namespaces come from a small Python holder run as root (it must
/// be single-threaded to unshare a user namespace): uid 993 makes the user namespace, the test writes its maps, it
/// makes the pid namespace and forks its PID 1, which only reaps.
/// </summary>
public sealed class RuncJoinedNamespacesTests
{
    private const string Holder = """
        import ctypes, os, signal, sys
        libc = ctypes.CDLL(None, use_errno=True)
        ready_r, ready_w = os.pipe()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)  # the test reads the first process's output to its end
            os.setresgid(993, 993, 993)
            os.setresuid(993, 993, 993)
            if libc.unshare(0x10000000):  # CLONE_NEWUSER
                os._exit(10)
            os.write(ready_w, b"u")
            os.read(go_r, 1)
            if libc.unshare(0x20000000):  # CLONE_NEWPID
                os._exit(11)
            reaper = os.fork()
            if reaper == 0:
                libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: nothing in the container may open /proc/1/root
                while True:
                    try:
                        os.wait()
                    except ChildProcessError:
                        signal.pause()
            os.write(ready_w, b"p")
            os.waitpid(reaper, 0)
            os._exit(0)
        os.read(ready_r, 1)
        for name in ("uid_map", "gid_map"):
            with open("/proc/%d/%s" % (pid, name), "w") as f:
                f.write("0 100000 1\n993 993 1\n")
        os.write(go_w, b"g")
        os.read(ready_r, 1)
        print(pid, flush=True)
        """;

    [Fact]
    public async Task Start_InJoinedNamespaces_RunsLockedDownInThem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        var holder = await StartHolderAsync(ct);
        try
        {
            var factory = host.CreateRuncFactory();
            var spec = host.Spec() with
            {
                JoinedNamespaces = new RuncJoinedNamespaces($"/proc/{holder}/ns/user", $"/proc/{holder}/ns/pid_for_children"),
            };
            var userNamespace = new FileInfo($"/proc/{holder}/ns/user").LinkTarget;
            var pidNamespace = new FileInfo($"/proc/{holder}/ns/pid_for_children").LinkTarget;
            var (sandbox, connection, _) = await RuncTestHost.StartAsync(factory, spec, ct);
            await using (sandbox)
            using (connection)
            {
                var output = await RuncTestHost.RunScriptAsync(
                    connection,
                    """
                    echo "uid=$(id -u) gid=$(id -g)"
                    echo "user=$(readlink /proc/self/ns/user) pid=$(readlink /proc/self/ns/pid)"
                    tr -s ' ' < /proc/self/uid_map
                    grep -E '^(Cap(Eff|Prm|Bnd)|NoNewPrivs|Seccomp):' /proc/self/status
                    echo "hostname=$(hostname)"
                    echo "pid1=$(cat /proc/1/comm)"
                    ls /proc/1/root/ > /dev/null 2>&1 && echo "root of pid 1: readable" || echo "root of pid 1: refused"
                    echo written > /tmp/file && echo "tmp=$(cat /tmp/file) owner=$(stat -c %u /tmp)"
                    unshare -U true 2>/dev/null && echo "unshare: allowed" || echo "unshare: refused"
                    """,
                    ct);
                AssertOutput(output, "uid=993 gid=993");
                AssertOutput(output, $"user={userNamespace} pid={pidNamespace}");
                AssertOutput(output, " 0 100000 1");
                AssertOutput(output, " 993 993 1");
                Assert.Matches(@"CapEff:\s+0000000000000000", output);
                Assert.Matches(@"CapPrm:\s+0000000000000000", output);
                Assert.Matches(@"CapBnd:\s+0000000000000000", output);
                Assert.Matches(@"NoNewPrivs:\s+1", output);
                Assert.Matches(@"Seccomp:\s+2", output);
                AssertOutput(output, "hostname=" + spec.EnvironmentId[..12]);
                AssertOutput(output, "pid1=python");
                AssertOutput(output, "root of pid 1: refused");
                AssertOutput(output, "tmp=written owner=993");
                AssertOutput(output, "unshare: refused");
            }
        }
        finally
        {
            // The reaper is PID 1 of the pid namespace: killing it ends whatever is left there, and the holder with it.
            var children = await File.ReadAllTextAsync($"/proc/{holder}/task/{holder}/children", ct);
            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                using var reaper = Process.GetProcessById(int.Parse(child, CultureInfo.InvariantCulture));
                reaper.Kill();
            }

            using var holderProcess = Process.GetProcessById(holder);
            await holderProcess.WaitForExitAsync(ct);
        }
    }

    private static async Task<int> StartHolderAsync(CancellationToken cancellationToken)
    {
        var python = Environment.GetEnvironmentVariable("NIMBUS_TEST_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Holder);
        using var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(line is not null && process.ExitCode == 0, "holder failed: " + await process.StandardError.ReadToEndAsync(cancellationToken));
        return int.Parse(line!, CultureInfo.InvariantCulture);
    }

    private static void AssertOutput(string output, string expected) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in:\n{output}");
}
