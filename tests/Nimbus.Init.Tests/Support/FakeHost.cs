// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.Tests.Support;

/// <summary>
/// The host side of the init protocol: listens on a temporary Unix socket, starts the built nimbus-init
/// (<c>dotnet nimbus-init.dll</c>, or the binary named by NIMBUS_INIT_BINARY) with NIMBUS_RUNTIME_API=127.0.0.1:0
/// and reads its Hello.
/// </summary>
internal sealed class FakeHost : IAsyncDisposable
{
    /// <summary>A fail-safe against a hung test, not a timing assertion.</summary>
    private static readonly TimeSpan s_failSafe = TimeSpan.FromSeconds(60);

    private readonly Socket _listener;
    private readonly Process _init;
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();
    private Socket? _connection;
    private NetworkStream? _stream;

    private FakeHost(string directory, Socket listener, Process init)
    {
        Directory = directory;
        _listener = listener;
        _init = init;
    }

    /// <summary>A temporary directory for the test (socket, scripts, runtime working directory).</summary>
    public string Directory { get; }

    public Frame Hello { get; private set; } = null!;

    /// <summary>nimbus-init's pid (the descriptors it hands over are copied out of it with pidfd_getfd).</summary>
    public int InitPid => _init.Id;

    /// <summary>host:port of the Runtime API, from Hello.</summary>
    public string RuntimeApi => Hello.Header(FrameHeaders.RuntimeApi)!;

    /// <summary>Bytes the runtime wrote to stdout, from the Log frames read so far.</summary>
    public string Stdout => Encoding.UTF8.GetString(_stdout.ToArray());

    public string Stderr => Encoding.UTF8.GetString(_stderr.ToArray());

    /// <summary>Every Log frame read so far, in order.</summary>
    public List<Frame> Logs { get; } = [];

    public static async Task<FakeHost> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("nimbus-init-").FullName;
        var socketPath = Path.Combine(directory, "host.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);

        // NIMBUS_INIT_BINARY runs the suite against a published (NativeAOT) nimbus-init instead of the built dll.
        var binary = Environment.GetEnvironmentVariable("NIMBUS_INIT_BINARY");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(binary) ? "dotnet" : binary) { UseShellExecute = false, RedirectStandardError = true };
        if (string.IsNullOrEmpty(binary))
        {
            start.ArgumentList.Add(InitPath());
        }

        start.Environment["NIMBUS_INIT_SOCKET"] = socketPath;
        start.Environment["NIMBUS_RUNTIME_API"] = "127.0.0.1:0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var init = Process.Start(start)!;
        init.ErrorDataReceived += (_, _) => { };
        init.BeginErrorReadLine();

        var host = new FakeHost(directory, listener, init);
        using var timeout = Timeout();
        host._connection = await listener.AcceptAsync(timeout.Token);
        host._stream = new NetworkStream(host._connection);
        host.Hello = await host.ReadAsync();
        Assert.Equal(FrameType.Hello, host.Hello.Type);
        return host;
    }

    public static CancellationTokenSource Timeout()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(s_failSafe);
        return source;
    }

    public async Task SendAsync(Frame frame)
    {
        using var timeout = Timeout();
        await FrameCodec.WriteAsync(_stream!, frame, timeout.Token);
    }

    /// <summary>Sends Start for <paramref name="command"/> with <paramref name="environment"/> (PATH is added from this process).</summary>
    public Task StartRuntimeAsync(string command, IEnumerable<string> arguments, IEnumerable<string>? environment = null, string? cwd = null, bool stemCell = false)
    {
        var headers = new List<KeyValuePair<string, string>> { new(FrameHeaders.Command, command) };
        if (stemCell)
        {
            headers.Add(new(FrameHeaders.StemCell, "1"));
        }

        headers.AddRange(arguments.Select(a => new KeyValuePair<string, string>("arg", a)));
        headers.Add(new(FrameHeaders.WorkingDirectory, cwd ?? Directory));
        headers.Add(new(FrameHeaders.Environment, "PATH=" + Environment.GetEnvironmentVariable("PATH")));
        headers.Add(new(FrameHeaders.Environment, "LC_ALL=C.UTF-8"));
        headers.AddRange((environment ?? []).Select(e => new KeyValuePair<string, string>("env", e)));
        return SendAsync(new Frame(FrameType.Start, headers));
    }

    public Task InvokeAsync(string requestId, string payload, params KeyValuePair<string, string>[] extra)
    {
        List<KeyValuePair<string, string>> headers =
        [
            new(FrameHeaders.RequestId, requestId),
            new(FrameHeaders.DeadlineMs, "1893456000000"),
            new(FrameHeaders.FunctionArn, "arn:aws:lambda:us-east-1:123456789012:function:f"),
            .. extra,
        ];
        return SendAsync(new Frame(FrameType.Invoke, headers, Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>Reads one frame (Log frames included).</summary>
    public async Task<Frame> ReadAsync()
    {
        using var timeout = Timeout();
        var frame = await FrameCodec.ReadAsync(_stream!, timeout.Token);
        Assert.NotNull(frame);
        return frame;
    }

    /// <summary>Reads frames, collecting Log frames (and dropping <paramref name="skipping"/>), until another; asserts its type.</summary>
    public async Task<Frame> ExpectAsync(FrameType type, FrameType? skipping = null)
    {
        while (true)
        {
            var frame = await ReadAsync();
            if (frame.Type == skipping)
            {
                continue;
            }

            if (frame.Type != FrameType.Log)
            {
                Assert.Equal(type, frame.Type);
                return frame;
            }

            Logs.Add(frame);
            (frame.Header(FrameHeaders.Stream) == "stderr" ? _stderr : _stdout).Write(frame.Body.Span);
        }
    }

    /// <summary>Reads Log frames until the runtime's stdout contains <paramref name="text"/>.</summary>
    public async Task WaitForStdoutAsync(string text)
    {
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            var frame = await ReadAsync();
            Assert.Equal(FrameType.Log, frame.Type);
            Logs.Add(frame);
            (frame.Header(FrameHeaders.Stream) == "stderr" ? _stderr : _stdout).Write(frame.Body.Span);
        }
    }

    /// <summary>Writes bytes as they are (malformed frames, for the fuzz tests).</summary>
    public async Task WriteRawAsync(byte[] bytes)
    {
        using var timeout = Timeout();
        await _stream!.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>Closes the host's end of the socket, as a host that went away.</summary>
    public void CloseConnection() => _connection?.Dispose();

    /// <summary>Waits for nimbus-init to exit and returns its exit code.</summary>
    public async Task<int> WaitForInitExitAsync()
    {
        using var timeout = Timeout();
        await _init.WaitForExitAsync(timeout.Token);
        return _init.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_init.HasExited)
        {
            _init.Kill(entireProcessTree: true);
            await _init.WaitForExitAsync();
        }

        _init.Dispose();
        _stream?.Dispose();
        _connection?.Dispose();
        _listener.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static string InitPath()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "nimbus-init.dll");
        Assert.True(File.Exists(path), $"nimbus-init.dll not found next to the tests: {path}");
        return path;
    }
}
