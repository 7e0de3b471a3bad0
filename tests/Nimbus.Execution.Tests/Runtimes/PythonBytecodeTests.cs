// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Execution.Runtimes;

namespace Nimbus.Execution.Tests.Runtimes;

/// <summary>
/// The Python runtime client's cached bytecode: the host writes it with the runtime's interpreter, and launch.py runs
/// bootstrap.py from it as the main program, or from the source when the cache is missing or stale. Needs python3.11
/// (skipped outside CI without it).
/// </summary>
public sealed class PythonBytecodeTests : IDisposable
{
    private const string Runtime = "python3.11";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nimbus-pyc-" + Guid.NewGuid().ToString("N")[..8]);

    public PythonBytecodeTests()
    {
        var python = Path.Combine(_directory, "python");
        Directory.CreateDirectory(python);
        foreach (var name in (ReadOnlySpan<string>)["bootstrap.py", "launch.py"])
        {
            File.Copy(Path.Combine(CheckoutRuntimes(), "python", name), Path.Combine(python, name));
        }
    }

    private string Cache => Path.Combine(_directory, "python", "__pycache__", "bootstrap.cpython-311.pyc");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("python3.11", "cpython-311")]
    [InlineData("python3.9", "cpython-39")]
    [InlineData("python3.13", "cpython-313")]
    [InlineData("nodejs20.x", null)]
    [InlineData("python3.", null)]
    public void CacheTag_IsCPythonsTagOfTheRuntime(string runtimeId, string? expected) =>
        Assert.Equal(expected, PythonBytecode.CacheTag(runtimeId));

    [Fact]
    public async Task Ensure_WritesTheBytecode_WhichLaunchRunsAsTheMainProgram()
    {
        var python = Interpreter();
        var bytecode = new PythonBytecode(NullLogger<PythonBytecode>.Instance);
        bytecode.Ensure(Runtime, python, _directory);
        await bytecode.WrittenAsync(python).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(PythonBytecode.IsCurrent(Cache, Path.Combine(_directory, "python", "bootstrap.py")));
        var (status, error) = await LaunchAsync(python);

        // bootstrap.py's main() ran (it refuses to start without the Runtime API's address) from the cached code.
        Assert.Equal(2, status);
        Assert.Contains("nimbus-runtime: AWS_LAMBDA_RUNTIME_API is not set", error, StringComparison.Ordinal);
        Assert.Contains($"code object from '{Cache}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_SourceChangedAfterTheBytecode_RunsTheSourceNotTheStaleCache()
    {
        var python = Interpreter();
        var bytecode = new PythonBytecode(NullLogger<PythonBytecode>.Instance);
        bytecode.Ensure(Runtime, python, _directory);
        await bytecode.WrittenAsync(python).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var source = Path.Combine(_directory, "python", "bootstrap.py");
        var changed = "import sys\nsys.stderr.write('changed source ran\\n')\n" + await File.ReadAllTextAsync(source, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(source, changed, TestContext.Current.CancellationToken);

        Assert.False(PythonBytecode.IsCurrent(Cache, source));
        var (status, error) = await LaunchAsync(python, readOnlyCache: true);

        Assert.Equal(2, status);
        Assert.Contains("changed source ran", error, StringComparison.Ordinal);
        Assert.DoesNotContain($"code object from '{Cache}'", error, StringComparison.Ordinal);
    }

    /// <summary>launch.py with -v (the import system says which code it loads), without the Runtime API's address.</summary>
    private async Task<(int Status, string Error)> LaunchAsync(string python, bool readOnlyCache = false)
    {
        var start = new ProcessStartInfo(python)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        start.Environment.Clear();
        if (readOnlyCache)
        {
            // As inside a sandbox: the interpreter may not rewrite the cache.
            start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        }

        foreach (var argument in (ReadOnlySpan<string>)["-v", "-u", Path.Combine(_directory, "python", "launch.py")])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await output;
        return (process.ExitCode, await error);
    }

    private static string Interpreter()
    {
        if (HostRuntimeRegistry.Probe().Find(Runtime)?.Interpreter is { } python)
        {
            return python;
        }

        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail($"{Runtime} must be installed in CI");
        }

        Assert.Skip($"{Runtime} is not installed");
        return "";
    }

    /// <summary>The checkout's runtimes/ (what the server ships as lambda-runtimes/).</summary>
    private static string CheckoutRuntimes()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nimbus.slnx")))
            {
                return Path.Combine(directory.FullName, "runtimes");
            }
        }

        throw new InvalidOperationException($"no Nimbus.slnx above {AppContext.BaseDirectory}");
    }
}
