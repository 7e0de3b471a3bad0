// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Nimbus.TestKit;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// runc sandboxes whose network is nimbus-net, against a test host: nimbus-net runs in a network namespace this test
/// makes (a veth pair whose end has 198.18.0.1, a benchmarking address no real host has), with an /etc/resolv.conf that
/// names the test host, which serves TCP and DNS there. So TCP and DNS are carried through each sandbox's own NAT
/// end to end, and nothing leaves the machine.
/// </summary>
public sealed class RuncSharedNetworkTests
{
    private const string TestHost = "198.18.0.1";
    private const string Answer = "198.18.0.7";

    // Answers every TCP connection on 8080 with a line ("stop" once told so on its standard input) and says
    // "accepted"; answers every DNS question (A) with 198.18.0.7; gone after 120 s.
    private const string Responder = """
        import socket, sys, threading, time
        stop = threading.Event()
        def tcp():
            server = socket.socket()
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(("198.18.0.1", 8080)); server.listen(16)
            while True:
                connection, _ = server.accept()
                connection.sendall(b"stop\n" if stop.is_set() else b"hello-from-test-host\n"); connection.close()
                print("accepted", flush=True)
        def dns():
            server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            server.bind(("198.18.0.1", 53))
            while True:
                question, peer = server.recvfrom(512)
                end = 12
                while question[end]:
                    end += question[end] + 1
                answer = question[:2] + b"\x81\x80" + question[4:6] + b"\x00\x01\x00\x00\x00\x00" + question[12:end + 5]
                answer += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + bytes([198, 18, 0, 7])
                server.sendto(answer, peer)
        def commands():
            for line in sys.stdin:
                if line.strip() == "stop":
                    stop.set()
        for work in (tcp, dns, commands):
            threading.Thread(target=work, daemon=True).start()
        time.sleep(0.2)
        print("ready", flush=True)
        time.sleep(120)
        """;

    private const string Probe = """
        python3 -c '
        import socket
        connection = socket.create_connection(("198.18.0.1", 8080), 10)
        print("tcp=" + connection.recv(100).decode().strip())
        print("dns=" + socket.gethostbyname("probe.test"))
        '
        """;

    // Connects every 0.1 s (60 s at most) until the answer is "stop".
    private const string Loop = """
        python3 -c '
        import socket, time
        for attempt in range(600):
            try:
                connection = socket.create_connection(("198.18.0.1", 8080), 2)
                reply = connection.recv(100).decode().strip()
                if reply == "stop":
                    print("reply=stop")
                    break
            except OSError:
                pass
            time.sleep(0.1)
        '
        """;

    [Fact]
    public async Task Sandboxes_ReachATestHostThroughTheirOwnNat_AndAgainAfterNimbusNetIsKilled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = RuncTestHost.Create();
        await RemoveLeftoversAsync(ct);
        var name = $"nrt-net-{Environment.ProcessId}-{Path.GetFileName(host.Work)[4..]}";
        await RunAsync(["ip", "netns", "add", name], ct);
        Process? responder = null;
        try
        {
            await RunAsync(["ip", "-n", name, "link", "set", "lo", "up"], ct);
            await RunAsync(["ip", "-n", name, "link", "add", "v0", "type", "veth", "peer", "name", "v1"], ct);
            await RunAsync(["ip", "-n", name, "addr", "add", TestHost + "/24", "dev", "v0"], ct);
            await RunAsync(["ip", "-n", name, "link", "set", "v0", "up"], ct);
            await RunAsync(["ip", "-n", name, "link", "set", "v1", "up"], ct);
            var resolv = Path.Combine(host.Work, "resolv.conf");
            await File.WriteAllTextAsync(resolv, $"nameserver {TestHost}\n", ct);

            var start = new ProcessStartInfo("nsenter") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in (string[])[$"--net=/run/netns/{name}", AwsClients.Python, "-c", Responder])
            {
                start.ArgumentList.Add(argument);
            }

            responder = Process.Start(start)!;
            var ready = await responder.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
            if (ready != "ready")
            {
                Assert.Fail($"the test host did not start: {ready} {await responder.StandardError.ReadToEndAsync(ct)}");
            }

            // nimbus-net in the test's namespace, reading the test's resolv.conf (bound over /etc/resolv.conf in a
            // mount namespace of its own); its path comes last ("$1").
            var logger = new RuncTestLogger();
            var factory = host.CreateRuncFactory(
                launcher: ["/usr/bin/nsenter", $"--net=/run/netns/{name}", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$1\"", resolv],
                logger: logger);
            var (one, oneConnection, _) = await RuncTestHost.StartAsync(factory, host.Spec(outboundNetwork: true), ct);
            await using (one)
            using (oneConnection)
            {
                var (two, twoConnection, _) = await RuncTestHost.StartAsync(factory, host.Spec(outboundNetwork: true), ct);
                await using (two)
                using (twoConnection)
                {
                    var output = await RuncTestHost.RunScriptAsync(oneConnection, Probe, ct);
                    Assert.True(output.Contains("tcp=hello-from-test-host", StringComparison.Ordinal), output + string.Join('\n', logger.Lines));
                    Assert.True(output.Contains("dns=" + Answer, StringComparison.Ordinal), output);
                    Assert.Equal("accepted", await responder.StandardOutput.ReadLineAsync(ct));

                    // The second sandbox connects again and again until the test host says "stop", which it says only
                    // once nimbus-net was killed and another one was given every tap: only the new one can carry it.
                    var looping = RuncTestHost.RunScriptAsync(twoConnection, Loop, ct);
                    Assert.Equal("accepted", await responder.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), ct));
                    var killed = factory.SharedNetwork!.ProcessId ?? throw new InvalidOperationException("nimbus-net is not running");
                    await RunAsync(["kill", "-KILL", killed.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct);
                    for (var waited = 0; factory.SharedNetwork.ProcessId is not { } pid || pid == killed; waited++)
                    {
                        Assert.True(waited < 1000, "nimbus-net was not started again:\n" + string.Join('\n', logger.Lines));
                        await Task.Delay(20, ct);
                    }

                    await responder.StandardInput.WriteLineAsync("stop".AsMemory(), ct);
                    await responder.StandardInput.FlushAsync(ct);
                    var after = await looping.WaitAsync(TimeSpan.FromSeconds(90), ct);
                    Assert.True(after.Contains("reply=stop", StringComparison.Ordinal), after + string.Join('\n', logger.Lines));
                    Assert.Contains(logger.Lines, line => line.Contains("nimbus-net, the sandboxes' network, ended", StringComparison.Ordinal));
                }
            }
        }
        finally
        {
            if (responder is not null)
            {
                responder.Kill(entireProcessTree: true);
                await responder.WaitForExitAsync(CancellationToken.None);
                responder.Dispose();
            }

            await RunAsync(["ip", "netns", "del", name], CancellationToken.None);
        }
    }

    /// <summary>
    /// Deletes the network namespaces this test left when its test host was killed mid-test (the host's pid, in the
    /// name, no longer runs); what ran in them ended with the host (nimbus-net) or on its own (the responder).
    /// </summary>
    private static async Task RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists("/run/netns"))
        {
            return;
        }

        foreach (var path in Directory.EnumerateFiles("/run/netns", "nrt-net-*"))
        {
            var name = Path.GetFileName(path);
            var parts = name.Split('-');
            if (parts.Length >= 4 && int.TryParse(parts[2], out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                await RunAsync(["ip", "netns", "del", name], cancellationToken);
            }
        }
    }

    private static async Task RunAsync(string[] command, CancellationToken cancellationToken)
    {
        var result = await ChildProcess.RunAsync(command[0], command[1..], cancellationToken: cancellationToken);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result}");
    }
}
