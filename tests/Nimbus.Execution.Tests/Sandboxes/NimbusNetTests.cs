// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Nimbus.Execution.Sandboxes;
using Nimbus.Execution.Sandboxes.Network;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// nimbus-net (the built artifacts/nimbus/nimbus-net) on its own, without a sandbox: each "tap" here is one end of a
/// SOCK_SEQPACKET socket pair (a frame per message, and an end of file when nimbus-net closes its end), so a test writes Ethernet frames as a sandbox's kernel would and reads what the NAT sends
/// back. Only ARP is exchanged (nothing leaves the machine). Needs the binary: a failure in CI, skipped elsewhere.
/// </summary>
public sealed class NimbusNetTests
{
    private const int SockSeqPacket = 5;

    private static readonly byte[] s_gatewayAddress = [10, 0, 2, 2];
    private static readonly byte[] s_sandboxAddress = [10, 0, 2, 100];

    [Fact]
    public async Task Arp_ForTheGateway_IsAnsweredOnTheSameTapOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var helper = Start(out _);
        using var one = Attach(helper, 1);
        using var two = Attach(helper, 2);

        await one.SendAsync(ArpRequest(Mac(1)), ct);
        AssertArpReply(await ReceiveAsync(one, ct), Mac(1));

        // A reply to the first tap's request would be queued on the second before the second's own reply.
        await two.SendAsync(ArpRequest(Mac(2)), ct);
        AssertArpReply(await ReceiveAsync(two, ct), Mac(2));
    }

    [Fact]
    public async Task Stop_ClosesTheTap()
    {
        var ct = TestContext.Current.CancellationToken;
        using var helper = Start(out _);
        using var one = Attach(helper, 7);
        await one.SendAsync(ArpRequest(Mac(7)), ct);
        AssertArpReply(await ReceiveAsync(one, ct), Mac(7));

        helper.Send('R', 7, null);

        // The helper held the only other end: its close is this end's end of file.
        Assert.Empty(await ReceiveAsync(one, ct));
    }

    [Fact]
    public async Task ControlSocketClosed_Exits_AndRunsWithoutRootUnderSeccomp()
    {
        var ct = TestContext.Current.CancellationToken;
        var helper = Start(out var pid);
        using var one = Attach(helper, 1);
        await one.SendAsync(ArpRequest(Mac(1)), ct);
        AssertArpReply(await ReceiveAsync(one, ct), Mac(1));
        if (Environment.IsPrivilegedProcess)
        {
            var status = await File.ReadAllLinesAsync($"/proc/{pid}/status", ct);
            Assert.Equal(["Uid:", "65534", "65534", "65534", "65534"], Fields(status, "Uid:"));
            Assert.Equal(["Gid:", "65534", "65534", "65534", "65534"], Fields(status, "Gid:"));
            Assert.Equal(["Groups:"], Fields(status, "Groups:"));
            Assert.Equal(["NoNewPrivs:", "1"], Fields(status, "NoNewPrivs:"));
            Assert.Equal(["Seccomp:", "2"], Fields(status, "Seccomp:"));
        }

        helper.Dispose();

        // Its exit closes its copy of the tap: the end of file here is the signal.
        Assert.Empty(await ReceiveAsync(one, ct));
    }

    [Fact]
    public async Task Sandbox_HoldingTooManyHostSockets_MayOpenNoMore_OthersMay()
    {
        // Each UDP flow to a new source port makes the NAT open a host socket (even one the gateway refuses, as
        // these are: 10.0.2.2 is the host's loopback), kept for minutes: one sandbox could use up the process's
        // descriptors. At 4,096 its new flows are dropped; what it has, and the other sandboxes, carry on.
        var ct = TestContext.Current.CancellationToken;
        var logger = new RuncTestLogger();
        using var helper = NetworkProcess.Start(Executable(), [], logger);
        using var one = Attach(helper, 1);
        using var two = Attach(helper, 2);
        for (ushort port = 1; port <= 4200; port++)
        {
            var frame = Ipv4Udp(9);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), (ushort)(20000 + port));
            Checksum(frame);
            await one.SendAsync(frame, ct);
        }

        const string AtQuota = "nimbus-net: sandbox 1 holds 4096 host sockets; its new connections are dropped until some close";
        for (var waited = 0; !logger.Lines.Any(line => line.Contains(AtQuota, StringComparison.Ordinal)); waited++)
        {
            Assert.True(waited < 1000, "no quota after 20 s:\n" + string.Join('\n', logger.Lines));
            await Task.Delay(20, ct);
        }

        // Its flows past the 4,096th opened nothing: the process holds 4,096 sockets and the three standard
        // descriptors, the control socket and the two taps, once every frame sent is taken.
        await AskUntilAnsweredAsync(one, Mac(1), ct);
        Assert.Equal(4096 + 5, Directory.GetFiles($"/proc/{helper.ProcessId}/fd").Length);
        await two.SendAsync(ArpRequest(Mac(2)), ct);
        AssertArpReply(await ReceiveAsync(two, ct), Mac(2));
        Assert.DoesNotContain(logger.Lines, line => line.Contains("sandbox 2 holds", StringComparison.Ordinal));
    }

    private static string[] Fields(string[] status, string name) =>
        status.Single(line => line.StartsWith(name, StringComparison.Ordinal)).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Fuzz_MalformedControlMessagesAndFrames_LeaveEveryNetworkWorking()
    {
        var ct = TestContext.Current.CancellationToken;
        using var helper = Start(out var pid);
        using var one = Attach(helper, 1);
        var random = new Random(20261205);

        // Control messages of every wrong shape, some carrying descriptors: each is refused (its descriptors closed).
        for (var i = 0; i < 300; i++)
        {
            var message = new byte[random.Next(1, 40)];
            random.NextBytes(message);
            if (message.Length == 9 && message[0] is (byte)'A' or (byte)'R')
            {
                message[0] = (byte)'X';
            }

            using var pipe = random.Next(3) == 0 ? SpawnedProcess.Pipe().Read : null;
            helper.Send(message, pipe);
        }

        // Well-formed but wrong: a start without a tap, a second tap for a running network, a stop of an unknown one,
        // a start on a descriptor that is no tap (/dev/null reads end of file at once: it must not spin or end others).
        helper.Send('A', 40, null);
        var (unused, other) = SpawnedProcess.SocketPair(SockSeqPacket);
        using (unused)
        using (other)
        {
            helper.Send('A', 1, other);
        }

        helper.Send('R', 41, null);
        using (var devNull = File.OpenHandle("/dev/null"))
        {
            helper.Send('A', 42, devNull);
        }

        // Frames as a hostile sandbox could write them: random bytes, and valid frames with random bytes changed.
        byte[][] valid = [ArpRequest(Mac(1)), Ipv4Udp(53), Ipv4Udp(67), Ipv4TcpSyn(80), Ipv4Icmp()];
        for (var i = 0; i < 3000; i++)
        {
            byte[] frame;
            if (i % 2 == 0)
            {
                frame = new byte[random.Next(0, 1600)];
                random.NextBytes(frame);
            }
            else
            {
                // Never the destination address (bytes 30–33): every frame stays addressed to the gateway, whose
                // host side (the host's loopback) the NAT refuses, so nothing is sent anywhere. The checksums are
                // made right again, so that the changed frames get past the IP and TCP/UDP checks into the parsers.
                frame = (byte[])valid[random.Next(valid.Length)].Clone();
                for (var changes = random.Next(1, 6); changes > 0; changes--)
                {
                    var at = random.Next(frame.Length);
                    if (at is < 30 or > 33)
                    {
                        frame[at] = (byte)random.Next(256);
                    }
                }

                if (frame[12] == 0x08 && frame[13] == 0x00)
                {
                    Checksum(frame);
                }
            }

            if (frame.Length > 0)
            {
                await one.SendAsync(frame, ct);
            }
        }

        // Still there, still answering on the same network and on a new one. What the fuzzing made it send back is
        // read past until the ARP reply.
        Assert.True(Directory.Exists($"/proc/{pid}"));
        await AskUntilAnsweredAsync(one, Mac(1), ct);
        using var two = Attach(helper, 2);
        await two.SendAsync(ArpRequest(Mac(2)), ct);
        AssertArpReply(await ReceiveAsync(two, ct), Mac(2));
    }

    private static NetworkProcess Start(out int pid)
    {
        var executable = Executable();
        var helper = NetworkProcess.Start(executable, [], new RuncTestLogger());
        pid = helper.ProcessId;
        return helper;
    }

    /// <summary>A new network on one end of a socket pair; the other end is the test's "tap".</summary>
    private static Socket Attach(NetworkProcess helper, ulong id)
    {
        var (ours, theirs) = SpawnedProcess.SocketPair(SockSeqPacket);
        using (theirs)
        {
            helper.Send('A', id, theirs);
        }

        var handle = new SafeSocketHandle(ours.DangerousGetHandle(), ownsHandle: true);
        ours.SetHandleAsInvalid();
        return new Socket(handle);
    }

    private static async Task<byte[]> ReceiveAsync(Socket tap, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        // The receive itself is cancelled at the timeout: one only abandoned would take the next frame.
        var buffer = new byte[70000];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            var length = await tap.ReceiveAsync(buffer, deadline.Token);
            return buffer[..length];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("no frame");
        }
    }

    private static async Task ReceiveArpReplyAsync(Socket tap, byte[] mac, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        for (var frames = 0; frames < 10000; frames++)
        {
            var frame = await ReceiveAsync(tap, cancellationToken, timeout);
            if (frame.Length >= 42 && frame[12] == 0x08 && frame[13] == 0x06 && frame[21] == 2 && frame.AsSpan(32, 6).SequenceEqual(mac))
            {
                AssertArpReply(frame, mac);
                return;
            }
        }

        Assert.Fail("no ARP reply among 10,000 frames");
    }

    /// <summary>
    /// Asks for the gateway until the answer comes: a NAT busy answering a flood (and asking for the sandbox's address
    /// for each answer) drops what it writes while the test's end is full, as a link would.
    /// </summary>
    private static async Task AskUntilAnsweredAsync(Socket tap, byte[] mac, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await tap.SendAsync(ArpRequest(mac), cancellationToken);
            try
            {
                await ReceiveArpReplyAsync(tap, mac, cancellationToken, TimeSpan.FromMilliseconds(500));
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        Assert.Fail("the gateway never answered");
    }

    private static void AssertArpReply(byte[] frame, byte[] mac)
    {
        Assert.True(frame.Length >= 42, $"a frame of {frame.Length} bytes");
        Assert.Equal(mac, frame[..6]);                    // to the asker
        Assert.Equal((byte[])[0x08, 0x06], frame[12..14]); // ARP
        Assert.Equal(2, frame[21]);                       // a reply
        Assert.Equal(s_gatewayAddress, frame[28..32]);    // for 10.0.2.2
        Assert.Equal(mac, frame[32..38]);
        Assert.Equal(s_sandboxAddress, frame[38..42]);
    }

    private static byte[] Mac(byte n) => [0x02, 0, 0, 0, 0, n];

    private static byte[] ArpRequest(byte[] mac)
    {
        var frame = new byte[42];
        frame.AsSpan(0, 6).Fill(0xff);
        mac.CopyTo(frame, 6);
        frame[12] = 0x08;
        frame[13] = 0x06;
        byte[] arp = [0, 1, 8, 0, 6, 4, 0, 1];
        arp.CopyTo(frame, 14);
        mac.CopyTo(frame, 22);
        s_sandboxAddress.CopyTo(frame, 28);
        s_gatewayAddress.CopyTo(frame, 38);
        return frame;
    }

    /// <summary>An IPv4 frame from the sandbox to the gateway with the given protocol and payload, checksums set.</summary>
    private static byte[] Ipv4(byte protocol, byte[] payload)
    {
        var frame = new byte[14 + 20 + payload.Length];
        byte[] gateway = [0x52, 0x55, 10, 0, 2, 2];
        gateway.CopyTo(frame, 0);
        Mac(1).CopyTo(frame, 6);
        frame[12] = 0x08;
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), (ushort)(20 + payload.Length));
        frame[22] = 64;
        frame[23] = protocol;
        s_sandboxAddress.CopyTo(frame, 26);
        s_gatewayAddress.CopyTo(frame, 30);
        payload.CopyTo(frame, 34);
        Checksum(frame);
        return frame;
    }

    /// <summary>Sets the IPv4 header's checksum and the TCP, UDP or ICMP one after it (over the frame's bytes as they are).</summary>
    private static void Checksum(byte[] frame)
    {
        frame[24] = frame[25] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), Fold(Sum(frame.AsSpan(14, 20), 0)));
        var payload = frame.AsSpan(34);
        var at = frame[23] switch { 6 => 16, 17 => 6, 1 => 2, _ => -1 };
        if (at < 0 || payload.Length < at + 2)
        {
            return;
        }

        payload[at] = payload[at + 1] = 0;
        long sum = 0;
        if (frame[23] != 1)
        {
            // The pseudo-header: source, destination, protocol, length.
            sum = Sum(frame.AsSpan(26, 8), 0) + frame[23] + payload.Length;
        }

        BinaryPrimitives.WriteUInt16BigEndian(payload[at..], Fold(Sum(payload, sum)));
    }

    private static long Sum(ReadOnlySpan<byte> bytes, long sum)
    {
        for (var i = 0; i < bytes.Length; i += 2)
        {
            sum += (bytes[i] << 8) | (i + 1 < bytes.Length ? bytes[i + 1] : 0);
        }

        return sum;
    }

    private static ushort Fold(long sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private static byte[] Ipv4Udp(ushort port)
    {
        var udp = new byte[8 + 16];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), port);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        return Ipv4(17, udp);
    }

    private static byte[] Ipv4TcpSyn(ushort port)
    {
        var tcp = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), port);
        tcp[12] = 0x50;
        tcp[13] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 65535);
        return Ipv4(6, tcp);
    }

    private static byte[] Ipv4Icmp() => Ipv4(1, [8, 0, 0, 0, 0, 1, 0, 1, 1, 2, 3, 4]);

    /// <summary>artifacts/nimbus/nimbus-net, built by ./nimbus; required in CI.</summary>
    internal static string Executable()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nimbus.slnx")))
            {
                var path = Path.Combine(directory.FullName, "artifacts", "nimbus", SharedNetwork.ExecutableName);
                if (File.Exists(path))
                {
                    return path;
                }

                break;
            }
        }

        const string Missing = "artifacts/nimbus/nimbus-net is not built (apt-get install libslirp-dev, then ./nimbus --help)";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail(Missing);
        }

        Assert.Skip(Missing);
        return "";
    }
}
