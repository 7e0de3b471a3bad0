// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Bench;

/// <summary>
/// The real nimbus server as a child process on a free loopback port, with its own temporary data directory.
/// Disposing kills it with everything it started (environments, runtimes) and removes the directory; so does
/// the end of this process (Ctrl+C, SIGTERM) as a backstop.
/// </summary>
internal sealed class NimbusProcess : IAsyncDisposable
{
    private const string ListeningMarker = "Nimbus listening on ";
    private const int KeptLines = 200;
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _root;
    private int _disposed;

    private NimbusProcess(Process process, string root)
    {
        _process = process;
        _root = root;
    }

    public int Pid => _process.Id;

    /// <summary>The server's data directory (runtimes fetched on first use are cached in its runtimes/).</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>The server's data directory.</summary>
    public string DataDir => Path.Combine(_root, "data");

    /// <summary>The last lines the server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>
    /// Starts a server; the sandbox is NIMBUS_BENCH_SANDBOX, else <c>process</c> unless one is given; Auth is the
    /// bench's NIMBUS_AUTH (default iam) unless <paramref name="auth"/> names one; <paramref name="settings"/> are more NIMBUS_* variables.
    /// </summary>
    public static async Task<NimbusProcess> StartAsync(
        NimbusLocation location, CancellationToken cancellationToken, string? sandbox = null, string? auth = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        // Short path: environments keep Unix sockets under <data-dir>/run (108-byte limit).
        var root = Directory.CreateTempSubdirectory("nb-").FullName;
        var dataDir = Path.Combine(root, "data");
        var start = new ProcessStartInfo(location.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var argument in (string[])["server", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NIMBUS_ROOT_ACCESS_KEY_ID"] = Nimbus.TestKit.AwsClients.AccessKeyId;
        start.Environment["NIMBUS_ROOT_SECRET_ACCESS_KEY"] = Nimbus.TestKit.AwsClients.SecretAccessKey;
        if (auth is not null)
        {
            start.Environment["NIMBUS_AUTH"] = auth;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        start.Environment["NIMBUS_SANDBOX"] = sandbox ?? (Environment.GetEnvironmentVariable("NIMBUS_BENCH_SANDBOX") is { Length: > 0 } chosen ? chosen : "process");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new NimbusProcess(process, root);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._listening.TrySetException(
            new InvalidOperationException($"nimbus exited before listening:\n{server.Output}"));
        process.Start();
        AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_startTimeout);
        try
        {
            server.BaseAddress = await server._listening.Task.WaitAsync(deadline.Token);

            // The execution role the benchmarks' functions name (role/r): Lambda must be able to assume it.
            await Nimbus.TestKit.TestRoles.CreateAsync(server.BaseAddress, deadline.Token);
            return server;
        }
        catch (Exception)
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The resident set of the server process itself, in bytes.</summary>
    public long ResidentBytes() => ProcFs.ResidentBytes(Pid) ?? throw new InvalidOperationException("nimbus has exited");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        Nimbus.TestKit.DataDirectory.Remove(_root);
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > KeptLines)
            {
                _lastLines.Dequeue();
            }
        }

        if (line.StartsWith(ListeningMarker, StringComparison.Ordinal))
        {
            var address = line[ListeningMarker.Length..].Split(',')[0].Trim();
            _listening.TrySetResult(new Uri(address));
        }
    }
}
