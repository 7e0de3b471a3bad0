// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Nimbus.Execution.Sandboxes;
using Nimbus.Execution.Sandboxes.Network;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// A tiny host for sandbox tests: a work directory, the real nimbus-init (artifacts/nimbus/nimbus-init, built by
/// <c>./nimbus --help</c>), the host end of the init socket, and a <c>/bin/sh</c> script as the runtime whose output
/// comes back as Log frames. Needs root and runc: skipped with the reason outside CI, a failure in CI.
/// </summary>
internal sealed class RuncTestHost : IAsyncDisposable
{
    private const string DoneMarker = "__script_done__";

    private readonly List<RuncSandboxFactory> _factories = [];

    private RuncTestHost(string work, string initExecutable)
    {
        Work = work;
        InitExecutable = initExecutable;
        Code = Path.Combine(work, "code");
        Runtime = Path.Combine(work, "runtime");
        Directory.CreateDirectory(Code);
        Directory.CreateDirectory(Runtime);
        Directory.CreateDirectory(Path.Combine(work, "s"));
        File.WriteAllText(Path.Combine(Code, "handler.txt"), "code\n");
    }

    public string Work { get; }

    public string InitExecutable { get; }

    public string Code { get; }

    public string Runtime { get; }

    public string RuncRoot => Path.Combine(Work, "runc");

    /// <summary>A host for a test; skips (or fails in CI) when this machine cannot run runc sandboxes.</summary>
    public static RuncTestHost Create() => Create("runc", RuncSandboxFactory.IsSupported);

    /// <summary>A host for a bwrap test; skips (or fails in CI) when bubblewrap cannot run here.</summary>
    public static RuncTestHost CreateForBwrap() => Create("bwrap", BwrapSandboxFactory.IsSupported);

    public BwrapSandboxFactory CreateBwrapFactory() => BwrapSandboxFactory.Create(Work, new RuncTestLogger());

    private delegate bool Supported(out string reason);

    private static RuncTestHost Create(string backend, Supported supported)
    {
        var init = FindInit();
        string? missing = null;
        if (!supported(out var reason))
        {
            missing = reason;
        }
        else if (init is null)
        {
            missing = "artifacts/nimbus/nimbus-init (build it with ./nimbus --help)";
        }

        if (missing is not null)
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                Assert.Fail($"{backend} sandbox tests must run in CI, but: {missing}");
            }

            Assert.Skip($"{backend} sandbox tests need their backend and nimbus-init: {missing}");
        }

        // Short: the init socket's path must fit a sockaddr_un.
        var work = Path.Combine("/tmp", "nrt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        return new RuncTestHost(work, init!);
    }

    /// <summary>
    /// The runc backend as the server makes it: every sandbox's network from one nimbus-net (the built one; required
    /// in CI), or with <paramref name="sharedNetwork"/> false a slirp4netns per sandbox. <paramref name="launcher"/>
    /// runs nimbus-net (e.g. in a network namespace of the test's).
    /// </summary>
    public RuncSandboxFactory CreateRuncFactory(bool sharedNetwork = true, IReadOnlyList<string>? launcher = null, RuncTestLogger? logger = null)
    {
        logger ??= new RuncTestLogger();
        var network = sharedNetwork ? new SharedNetwork(NimbusNetTests.Executable(), logger, launcher) : null;
        var factory = RuncSandboxFactory.Create(Work, logger, network);
        _factories.Add(factory);
        return factory;
    }

    public SandboxSpec Spec(int memoryMb = 128, int ephemeralStorageMb = 16, bool outboundNetwork = false)
    {
        var id = Guid.NewGuid().ToString("N");
        return new SandboxSpec
        {
            EnvironmentId = id,
            InitExecutable = InitExecutable,
            HostSocketPath = Path.Combine(Work, "s", id[..16] + ".sock"),
            CodeDirectory = Code,
            RuntimeDirectory = Runtime,
            MemoryMb = memoryMb,
            EphemeralStorageMb = ephemeralStorageMb,
            OutboundNetwork = outboundNetwork,
        };
    }

    /// <summary>Starts a sandbox and waits for nimbus-init's Hello; returns the connection and the time to Hello.</summary>
    public static async Task<(ISandbox Sandbox, Socket Connection, TimeSpan ToHello)> StartAsync(
        ISandboxFactory factory,
        SandboxSpec spec,
        CancellationToken cancellationToken)
    {
        File.Delete(spec.HostSocketPath);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(spec.HostSocketPath));
        listener.Listen(1);
        var clock = Stopwatch.StartNew();
        var sandbox = await factory.StartAsync(spec, cancellationToken);
        try
        {
            var accept = listener.AcceptAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(accept, sandbox.Exited).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken) != accept)
            {
                Assert.Fail("nimbus-init exited before connecting");
            }

            var connection = await accept;
            using var stream = new NetworkStream(connection, ownsSocket: false);
            var hello = await FrameCodec.ReadAsync(stream, cancellationToken);
            var elapsed = clock.Elapsed;
            Assert.Equal(FrameType.Hello, hello?.Type);
            return (sandbox, connection, elapsed);
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
        finally
        {
            File.Delete(spec.HostSocketPath);
        }
    }

    /// <summary>
    /// Runs <paramref name="script"/> with /bin/sh as the runtime; returns its stdout and stderr once it printed its
    /// last line. (Not at the Exited frame: nimbus-init as PID 1 does not send it yet.)
    /// </summary>
    public static async Task<string> RunScriptAsync(Socket connection, string script, CancellationToken cancellationToken)
    {
        using var stream = new NetworkStream(connection, ownsSocket: false);
        await FrameCodec.WriteAsync(
            stream,
            new Frame(FrameType.Start,
            [
                new(FrameHeaders.Command, "/bin/sh"),
                new(FrameHeaders.Argument, "-c"),
                new(FrameHeaders.Argument, script + "\necho " + DoneMarker),
                new(FrameHeaders.WorkingDirectory, "/var/task"),
                new(FrameHeaders.Environment, "PATH=/usr/local/bin:/usr/bin:/bin"),
            ]),
            cancellationToken);
        var output = new StringBuilder();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (await FrameCodec.ReadAsync(stream, deadline.Token) is { } frame)
        {
            if (frame.Type == FrameType.Log)
            {
                output.Append(Encoding.UTF8.GetString(frame.Body.Span));
                if (output.ToString().Contains(DoneMarker, StringComparison.Ordinal))
                {
                    break;
                }
            }
            else if (frame.Type == FrameType.Exited)
            {
                break;
            }
        }

        return output.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        // The factories' nimbus-net processes end with them.
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        // Whatever a failed test left: the sweep of a new factory removes it.
        if (Directory.Exists(RuncRoot))
        {
            await Task.Run(() => CreateRuncFactory(sharedNetwork: false));
        }

        Directory.Delete(Work, recursive: true);
    }

    private static string? FindInit()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nimbus.slnx")))
            {
                var init = Path.Combine(directory.FullName, "artifacts", "nimbus", "nimbus-init");
                return File.Exists(init) ? init : null;
            }
        }

        return null;
    }
}
