// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text;

namespace Nimbus.TestKit;

/// <summary>
/// The real <c>nimbus</c> executable, started on a free loopback port (<c>--port 0</c>; the address is read from
/// what the server prints once it listens) with its own data directory. Tests drive it with real AWS clients.
/// </summary>
public sealed class NimbusServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    private NimbusServer(string dataDir, IReadOnlyDictionary<string, string> environment)
    {
        DataDir = dataDir;
        _environment = environment;
    }

    public string DataDir { get; }

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1:0");

    /// <summary>The server process's id (of the latest start).</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Everything the server printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<NimbusServer> StartAsync(IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default) =>
        StartAsync(environment, withTestRoles: true, cancellationToken);

    /// <param name="withTestRoles">
    /// Makes the execution roles the tests name (<see cref="TestRoles"/>) once the server listens; false for a server
    /// whose user makes its own (the docs' examples).
    /// </param>
    public static async Task<NimbusServer> StartAsync(IReadOnlyDictionary<string, string>? environment, bool withTestRoles, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("nimbus-e2e-").FullName;
        var server = new NimbusServer(dataDir, environment ?? new Dictionary<string, string>());
        await server.StartProcessAsync(cancellationToken);
        if (withTestRoles)
        {
            try
            {
                await TestRoles.CreateAsync(server.Endpoint, cancellationToken);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        return server;
    }

    /// <summary>The nimbus executable: NIMBUS_EXECUTABLE, or artifacts/nimbus/nimbus under the repository root.</summary>
    public static string Executable()
    {
        if (Environment.GetEnvironmentVariable("NIMBUS_EXECUTABLE") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "nimbus", "nimbus");
            if (File.Exists(Path.Combine(dir.FullName, "Nimbus.slnx")))
            {
                return File.Exists(candidate)
                    ? candidate
                    : throw new FileNotFoundException($"The nimbus executable is not built ({candidate}); run ./nimbus --help or ./test.sh first.");
            }
        }

        throw new FileNotFoundException("Cannot find the repository root (Nimbus.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Kills the server process alone with SIGKILL (no shutdown of any kind) and waits until it is gone; its
    /// environments notice the closed socket and end themselves.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>A graceful stop (SIGTERM, as Ctrl+C or systemd send it); returns the exit status once it is gone.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken = default)
    {
        var process = _process ?? throw new InvalidOperationException("the server was not started");
        var kill = await ChildProcess.RunAsync("/bin/kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken: cancellationToken);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM failed: {kill}");
        }

        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }

    /// <summary>Starts the server again on the same data directory (a new port).</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => StartProcessAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        DataDirectory.Remove(DataDir);
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        _process?.Dispose();
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDir,
        };
        foreach (var argument in (string[])["server", "--port", "0", "--host", "127.0.0.1", "--data-dir", DataDir])
        {
            start.ArgumentList.Add(argument);
        }

        // The root key the AWS clients of AwsClients sign with; a test may seed another.
        start.Environment["NIMBUS_ROOT_ACCESS_KEY_ID"] = AwsClients.AccessKeyId;
        start.Environment["NIMBUS_ROOT_SECRET_ACCESS_KEY"] = AwsClients.SecretAccessKey;
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, null);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"nimbus exited before listening:\n{Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_startTimeout);
        try
        {
            Endpoint = await listening.Task.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"nimbus did not start listening within {s_startTimeout}:\n{Output}");
        }
    }

    private void OnLine(string? line, TaskCompletionSource<Uri>? listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        const string marker = "Nimbus listening on ";
        if (listening is not null && line.StartsWith(marker, StringComparison.Ordinal))
        {
            var address = line[marker.Length..].Split(',')[0].Trim();
            listening.TrySetResult(new Uri(address));
        }
    }
}
