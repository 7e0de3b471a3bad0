// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Protocol;
using Nimbus.Init.Tests.Support;
using static Nimbus.Init.Tests.Support.Handovers;

namespace Nimbus.Init.Tests.Idle;

/// <summary>
/// nimbus-init executing nimbus-idle once the host serves the runtime (docs/internals/invoke-path.md#the-idle-supervisor):
/// the built nimbus-idle (artifacts/nimbus, next to NIMBUS_EXECUTABLE) named in NIMBUS_IDLE_PROGRAM, the test as the
/// host and as the runtime (whose command only sleeps, or exits when told).
/// </summary>
public sealed class IdleSupervisorTests
{
    [Fact]
    public async Task HandoverSettled_InitBecomesIdle_TheRuntimeServedOnByTheHost()
    {
        await using var host = await StartedAsync(direct: true, IdleEnvironment());
        using var runtime = await FirstAnsweredAsync(host);
        var runtimePid = RuntimePid(host);

        using var connection = await HandOverAsync(host, runtime);
        await BecomesIdleAsync(host);
        await connection.SendAsync("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: req-2\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray());
        var answered = await runtime.ReadResponseAsync();

        Assert.Equal("req-2", answered.Headers["Lambda-Runtime-Aws-Request-Id"]);
        Assert.Equal(runtimePid, RuntimePid(host));
    }

    [Fact]
    public async Task Idle_SendsBackAnInvokeAsItCame()
    {
        await using var host = await IdleAsync();

        var payload = new string('x', 300_000);
        await host.InvokeAsync("req-2", payload, new KeyValuePair<string, string>(FrameHeaders.TraceId, "Root=1-5759e988-bd862e3fe1be46a994272793"));
        var returned = await host.ExpectAsync(FrameType.Invoke);

        Assert.Equal("req-2", returned.Header(FrameHeaders.RequestId));
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793", returned.Header(FrameHeaders.TraceId));
        Assert.Equal(payload, Encoding.UTF8.GetString(returned.Body.Span));
    }

    [Fact]
    public async Task Idle_HandsANewRuntimeApiConnectionOver_AndClosesItsCopyWhenTaken()
    {
        await using var host = await IdleAsync();

        using var second = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await second.SendHeadAsync("GET", "/2018-06-01/ping");
        var handover = await host.ExpectAsync(FrameType.Handover);
        using var connection = Copy(host, handover, FrameHeaders.Fd);
        var buffer = new byte[256];
        var read = await connection.ReceiveAsync(buffer);
        var fd = handover.Header(FrameHeaders.Fd)!;
        var path = $"/proc/{host.InitPid}/fd/{fd}";
        var heldBefore = File.Exists(path);
        await host.SendAsync(new Frame(FrameType.HandoverTaken, [new(FrameHeaders.Fd, fd)]));
        await WaitAsync(() => !File.Exists(path));
        await connection.SendAsync("HTTP/1.1 204 No Content\r\n\r\n"u8.ToArray());

        Assert.Equal(0, handover.Body.Length);
        Assert.StartsWith("GET /2018-06-01/ping HTTP/1.1\r\n", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        Assert.True(heldBefore);
        Assert.Equal(204, (await second.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Idle_ReportsTheRuntimesExitStatus()
    {
        await using var host = await IdleAsync("echo started; while [ ! -e stop ]; do sleep 0.02; done; exit 7");

        await File.WriteAllTextAsync(Path.Combine(host.Directory, "stop"), "", TestContext.Current.CancellationToken);
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("7", exited.Header(FrameHeaders.Status));
        Assert.Null(exited.Header(FrameHeaders.Signal));
    }

    [Fact]
    public async Task Idle_Shutdown_TerminatesTheRuntimeAndExits()
    {
        await using var host = await IdleAsync();

        await host.SendAsync(new Frame(FrameType.Shutdown, [new(FrameHeaders.GraceMs, "30000"), new(FrameHeaders.Reason, "spindown")]));
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("15", exited.Header(FrameHeaders.Signal));
        Assert.Equal(0, await host.WaitForInitExitAsync());
    }

    [Theory]
    [InlineData("timeout", "600000")]
    [InlineData("spindown", "100")]
    public async Task Idle_RuntimeIgnoringSigterm_IsKilled(string reason, string graceMs)
    {
        // sh ignores SIGTERM here: after a timeout the reset's SIGKILL comes at once, before a grace it never reaches;
        // at a spindown the SIGKILL follows the grace.
        await using var host = await IdleAsync("echo started; trap '' TERM; while :; do sleep 0.02; done");

        await host.SendAsync(new Frame(FrameType.Shutdown, [new(FrameHeaders.GraceMs, graceMs), new(FrameHeaders.Reason, reason)]));
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("9", exited.Header(FrameHeaders.Signal));
        Assert.Equal(0, await host.WaitForInitExitAsync());
    }

    [Fact]
    public async Task Idle_HostGone_StopsTheRuntimeAndExits()
    {
        await using var host = await IdleAsync();
        var runtime = RuntimePid(host);

        host.CloseConnection();
        var status = await host.WaitForInitExitAsync();
        await WaitAsync(() => State(runtime) is null or 'Z' or 'X');

        Assert.Equal(0, status);
    }

    [Fact]
    public async Task Idle_PipesTheBridgeAddressToThePlatformSocket()
    {
        using var platform = new FakePlatform();
        await using var host = await IdleAsync(environment: WithIdle(platform.Environment));

        using var client = await platform.ConnectAsync(TestContext.Current.CancellationToken);
        using var accepted = await platform.AcceptAsync(TestContext.Current.CancellationToken);
        var request = Encoding.ASCII.GetBytes("GET /_nimbus/health HTTP/1.1\r\n\r\n" + new string('a', 100_000));
        await client.SendAsync(request, TestContext.Current.CancellationToken);
        client.Shutdown(SocketShutdown.Send);
        var received = await ReadToEndAsync(accepted);
        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n\r\n" + new string('b', 200_000));
        await accepted.SendAsync(answer, TestContext.Current.CancellationToken);
        accepted.Shutdown(SocketShutdown.Send);
        var answered = await ReadToEndAsync(client);

        Assert.Equal(request, received);
        Assert.Equal(answer, answered);
    }

    [Fact]
    public async Task AnotherRuntimeApiConnectionOpen_InitStaysUntilItCloses()
    {
        await using var host = await StartedAsync(direct: true, IdleEnvironment());
        var other = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        using var runtime = await FirstAnsweredAsync(host);
        using var connection = await HandOverAsync(host, runtime);

        // The Invoke is taken after the HandoverTaken: had nimbus-init gone, nimbus-idle would be sending it back.
        await host.InvokeAsync("req-2", "{}");
        await host.ExpectAsync(FrameType.Invoke);
        var stayed = !IsIdle(host);

        // No frame follows: the connection's end alone has nimbus-init look again.
        other.Dispose();
        await BecomesIdleAsync(host);

        Assert.True(stayed);
    }

    [Fact]
    public async Task BridgeConnectionOpen_InitStaysUntilItCloses()
    {
        using var platform = new FakePlatform();
        await using var host = await StartedAsync(direct: true, WithIdle(platform.Environment));
        var client = await platform.ConnectAsync(TestContext.Current.CancellationToken);
        using var accepted = await platform.AcceptAsync(TestContext.Current.CancellationToken);
        using var runtime = await FirstAnsweredAsync(host);
        using var connection = await HandOverAsync(host, runtime);
        await host.InvokeAsync("req-2", "{}");
        await host.ExpectAsync(FrameType.Invoke);
        var stayed = !IsIdle(host);

        // A function's keep-alive connection to Nimbus's API, piped by nimbus-init, ends.
        client.Dispose();
        accepted.Shutdown(SocketShutdown.Both);
        await BecomesIdleAsync(host);

        Assert.True(stayed);
    }

    [Fact]
    public async Task ExecveFails_InitGoesOnAsBefore()
    {
        // A file that is not executable: execve fails (EACCES) and nimbus-init must have restored everything.
        var environment = new Dictionary<string, string> { ["NIMBUS_IDLE_PROGRAM"] = "/etc/hostname" };
        await using var host = await StartedAsync(direct: true, environment);
        using var runtime = await FirstAnsweredAsync(host);
        using var connection = await HandOverAsync(host, runtime);

        await host.InvokeAsync("req-2", "{}");
        var returned = await host.ExpectAsync(FrameType.Invoke);
        using var second = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await second.SendHeadAsync("GET", "/2018-06-01/ping");
        var handover = await host.ExpectAsync(FrameType.Handover);
        await host.SendAsync(new Frame(FrameType.Shutdown, [new(FrameHeaders.GraceMs, "30000")]));
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("req-2", returned.Header(FrameHeaders.RequestId));
        Assert.NotNull(handover.Header(FrameHeaders.Fd));
        Assert.False(IsIdle(host));
        Assert.Equal("15", exited.Header(FrameHeaders.Signal));
        Assert.Equal(0, await host.WaitForInitExitAsync());
    }

    [Fact]
    public async Task RuntimeWithAParentDeathSignal_LivesOnUnderIdle()
    {
        // PR_SET_PDEATHSIG (1) with SIGKILL: sent when the thread that forked the runtime ends, as every thread but
        // the execve's does, unless that thread forked it (SpawningThread).
        const string Script = "import ctypes, sys, time; ctypes.CDLL(None).prctl(1, 9); print('started', flush=True); sys.stdin.read(); time.sleep(600)";
        var host = await FakeHost.StartAsync(IdleEnvironment());
        await using (host)
        {
            await host.SendAsync(new Frame(FrameType.Start,
            [
                new(FrameHeaders.Command, "/usr/bin/python3"), new(FrameHeaders.Argument, "-c"), new(FrameHeaders.Argument, Script),
                new(FrameHeaders.WorkingDirectory, host.Directory), new(FrameHeaders.DirectRuntimeApi, "1"),
            ]));
            await host.WaitForStdoutAsync("started");
            using var runtime = await FirstAnsweredAsync(host);
            using var connection = await HandOverAsync(host, runtime);
            await BecomesIdleAsync(host);
            var runtimePid = RuntimePid(host);

            // Had the signal come, nimbus-idle would report the runtime's end before this frame is sent back.
            await host.InvokeAsync("req-2", "{}");
            var next = await host.ExpectAsync(FrameType.Invoke);

            Assert.Equal("req-2", next.Header(FrameHeaders.RequestId));
            Assert.Equal('S', State(runtimePid));
        }
    }

    [Fact]
    public async Task Idle_ShutdownAfterTheRuntimeEnded_Exits()
    {
        await using var host = await IdleAsync("echo started; while [ ! -e stop ]; do sleep 0.02; done; exit 3");
        await File.WriteAllTextAsync(Path.Combine(host.Directory, "stop"), "", TestContext.Current.CancellationToken);
        var exited = await host.ExpectAsync(FrameType.Exited);

        await host.SendAsync(new Frame(FrameType.Shutdown, [new(FrameHeaders.GraceMs, "30000")]));

        Assert.Equal("3", exited.Header(FrameHeaders.Status));
        Assert.Equal(0, await host.WaitForInitExitAsync());
    }

    [Fact]
    public async Task Idle_FramesOfAnyOtherType_AreIgnoredAndTheStreamStaysInStep()
    {
        await using var host = await IdleAsync();
        var random = new Random(1405);
        var hostFd = HostDescriptor(host);

        for (var i = 0; i < 400; i++)
        {
            await host.WriteRawAsync(RandomFrame(random, hostFd));
        }

        await host.InvokeAsync("req-after", "{\"still\":true}");
        var returned = await host.ExpectAsync(FrameType.Invoke);

        Assert.Equal("req-after", returned.Header(FrameHeaders.RequestId));
        Assert.True(IsIdle(host));
    }

    [Theory]
    [InlineData(new byte[] { 1, 0 })]
    [InlineData(new byte[] { 1, 0, 3, 0, (byte)'a' })]
    [InlineData(new byte[] { 1, 0, 1, 0, (byte)'a', 9, 0, 0, 0, (byte)'x' })]
    [InlineData(new byte[] { 2, 0, 1, 0, (byte)'a', 0, 0, 0, 0 })]
    public async Task Idle_HeadersRunningPastTheFrame_StopTheRuntimeAndExitWithOne(byte[] afterType)
    {
        // As nimbus-init (FrameCodec.Parse): a frame out of step with its own length ends the host link.
        await using var host = await IdleAsync();
        var runtime = RuntimePid(host);
        var frame = new byte[5 + afterType.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(1 + afterType.Length));
        frame[4] = (byte)FrameType.HandoverTaken;
        afterType.CopyTo(frame, 5);

        await host.WriteRawAsync(frame);
        var status = await host.WaitForInitExitAsync();
        await WaitAsync(() => State(runtime) is null or 'Z' or 'X');

        Assert.Equal(1, status);
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(8u * 1024 * 1024 + 1)]
    [InlineData(uint.MaxValue)]
    public async Task Idle_BadFrameLength_StopsTheRuntimeAndExitsWithOne(uint length)
    {
        await using var host = await IdleAsync();
        var runtime = RuntimePid(host);
        var prefix = new byte[5];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, length);

        await host.WriteRawAsync(prefix);
        var status = await host.WaitForInitExitAsync();
        await WaitAsync(() => State(runtime) is null or 'Z' or 'X');

        Assert.Equal(1, status);
    }

    /// <summary>NIMBUS_IDLE_PROGRAM for nimbus-init: the built nimbus-idle.</summary>
    private static Dictionary<string, string> IdleEnvironment() => WithIdle([]);

    private static Dictionary<string, string> WithIdle(Dictionary<string, string> environment)
    {
        environment["NIMBUS_IDLE_PROGRAM"] = IdleProgram();
        return environment;
    }

    internal static string IdleProgram()
    {
        var executable = Environment.GetEnvironmentVariable("NIMBUS_EXECUTABLE");
        var directory = !string.IsNullOrEmpty(executable) ? Path.GetDirectoryName(executable)! : Path.Combine(RepositoryRoot(), "artifacts", "nimbus");
        var path = Path.Combine(directory, "nimbus-idle");
        Assert.True(File.Exists(path), $"{path} is not built: ./nimbus --help builds it (with musl-gcc, or gcc)");
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nimbus.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository's root (Nimbus.slnx) is not above the tests");
    }

    /// <summary>nimbus-init with its first invocation answered and the runtime's connection handed over: nimbus-idle now.</summary>
    private static async Task<FakeHost> IdleAsync(string script = "echo started; exec sleep 60", Dictionary<string, string>? environment = null)
    {
        var host = await StartedAsync(direct: true, environment ?? IdleEnvironment(), script);
        try
        {
            using var runtime = await FirstAnsweredAsync(host);
            using var connection = await HandOverAsync(host, runtime);
            await BecomesIdleAsync(host);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The runtime's next /next is handed over; the host copies the connection and says so (HandoverTaken).</summary>
    private static async Task<Socket> HandOverAsync(FakeHost host, RawHttpClient runtime)
    {
        await runtime.SendHeadAsync("GET", Next);
        var handover = await host.ExpectAsync(FrameType.Handover);
        var connection = Copy(host, handover, FrameHeaders.Fd);
        await host.SendAsync(new Frame(FrameType.HandoverTaken, [new(FrameHeaders.Fd, handover.Header(FrameHeaders.Fd)!)]));
        return connection;
    }

    private static Task BecomesIdleAsync(FakeHost host) => WaitAsync(() => IsIdle(host));

    private static bool IsIdle(FakeHost host) =>
        new FileInfo($"/proc/{host.InitPid}/exe").LinkTarget?.EndsWith("/nimbus-idle", StringComparison.Ordinal) == true;

    /// <summary>The runtime: nimbus-init's (then nimbus-idle's) only child, whichever of its threads started it.</summary>
    private static int RuntimePid(FakeHost host)
    {
        foreach (var task in Directory.GetDirectories($"/proc/{host.InitPid}/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "children")).Trim() is { Length: > 0 } children)
            {
                return int.Parse(children.Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"nimbus-init ({host.InitPid}) has no child");
    }

    /// <summary>The host socket's number in nimbus-idle (its argument after --host).</summary>
    private static string HostDescriptor(FakeHost host)
    {
        var arguments = File.ReadAllText($"/proc/{host.InitPid}/cmdline").Split('\0');
        return arguments[Array.IndexOf(arguments, "--host") + 1];
    }

    /// <summary>The state letter of /proc/PID/stat, or null when the process is gone.</summary>
    private static char? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// A well-formed frame of random content, of any type but Invoke (sent back) and Shutdown (ends it): random header
    /// names and values, HandoverTaken naming descriptors nimbus-idle never handed over (its host socket among them).
    /// </summary>
    private static byte[] RandomFrame(Random random, string hostFd)
    {
        byte type;
        do
        {
            type = (byte)random.Next(256);
        }
        while (type is (byte)FrameType.Invoke or (byte)FrameType.Shutdown);

        byte[] body;
        if (random.Next(3) == 0)
        {
            type = (byte)FrameType.HandoverTaken;
            var value = random.Next(2) == 0 ? hostFd : random.Next(-5, 70000).ToString(CultureInfo.InvariantCulture);
            body = Header(FrameHeaders.Fd, value);
        }
        else
        {
            // Headers of random names and values (bytes that need not be UTF-8, "fd" among the names), then a body.
            var headers = new List<KeyValuePair<string, string>>();
            var bytes = new MemoryStream();
            var count = random.Next(0, 6);
            bytes.Write([(byte)count, 0]);
            for (var i = 0; i < count; i++)
            {
                var name = random.Next(4) == 0 ? "fd"u8.ToArray() : RandomBytes(random, random.Next(0, 20));
                var value = RandomBytes(random, random.Next(0, 300));
                bytes.Write([(byte)name.Length, (byte)(name.Length >> 8)]);
                bytes.Write(name);
                bytes.Write([(byte)value.Length, (byte)(value.Length >> 8), 0, 0]);
                bytes.Write(value);
            }

            bytes.Write(RandomBytes(random, random.Next(0, 2000)));
            body = bytes.ToArray();
        }

        var frame = new byte[4 + 1 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(1 + body.Length));
        frame[4] = type;
        body.CopyTo(frame, 5);
        return frame;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A header count of one and the header, as the frame format writes it.</summary>
    private static byte[] Header(string name, string value)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var valueBytes = Encoding.UTF8.GetBytes(value);
        var bytes = new byte[2 + 2 + nameBytes.Length + 4 + valueBytes.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), (ushort)nameBytes.Length);
        nameBytes.CopyTo(bytes, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 + nameBytes.Length), (uint)valueBytes.Length);
        valueBytes.CopyTo(bytes, 8 + nameBytes.Length);
        return bytes;
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var failSafe = FakeHost.Timeout();
        using var bytes = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, failSafe.Token)) > 0)
        {
            await bytes.WriteAsync(buffer.AsMemory(0, read), failSafe.Token);
        }

        return bytes.ToArray();
    }

    /// <summary>Waits for <paramref name="condition"/>; the fail-safe only guards against a hang.</summary>
    private static Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()));

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var failSafe = FakeHost.Timeout();
        while (!await condition())
        {
            await Task.Delay(10, failSafe.Token);
        }
    }
}
