// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// Writes the cached bytecode of the Python runtime client (<c>python/__pycache__/bootstrap.cpython-3XX.pyc</c> in the
/// runtime directory) with each Python runtime's own interpreter, so that an environment's interpreter loads it
/// instead of compiling bootstrap.py at every start (about 4 ms of a cold start; <c>runtimes/python/launch.py</c> reads
/// it). The runtime directory is read-only inside a sandbox, so only the host can write it. Done once per interpreter
/// and server, in the background: a start before it is done, or a directory the server may not write, compiles the
/// source as before. The interpreter checks the file against bootstrap.py's time and size, so a stale one is never used.
/// </summary>
public sealed partial class PythonBytecode(ILogger<PythonBytecode> logger)
{
    private readonly ConcurrentDictionary<string, Task> _started = new(StringComparer.Ordinal);

    /// <summary>Starts writing the bytecode for <paramref name="runtimeId"/> (python3.X) unless it is there and current.</summary>
    public void Ensure(string runtimeId, string interpreter, string runtimeDirectory)
    {
        if (_started.ContainsKey(interpreter) || CacheTag(runtimeId) is not { } tag)
        {
            return;
        }

        var source = Path.Combine(runtimeDirectory, "python", "bootstrap.py");
        var cache = Path.Combine(runtimeDirectory, "python", "__pycache__", $"bootstrap.{tag}.pyc");
        if (!File.Exists(source) || IsCurrent(cache, source))
        {
            _started.TryAdd(interpreter, Task.CompletedTask);
            return;
        }

        var done = new TaskCompletionSource();
        if (_started.TryAdd(interpreter, done.Task))
        {
            _ = CompileAsync(interpreter, source, done);
        }
    }

    /// <summary>Completes when the write started for <paramref name="interpreter"/> (if any) is over, however it ended.</summary>
    public Task WrittenAsync(string interpreter) => _started.GetValueOrDefault(interpreter) ?? Task.CompletedTask;

    /// <summary>CPython's cache tag of a runtime id: python3.11 → cpython-311; null for anything else.</summary>
    public static string? CacheTag(string runtimeId) =>
        runtimeId.StartsWith("python3.", StringComparison.Ordinal) && runtimeId.Length > 8 && int.TryParse(runtimeId.AsSpan(8), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minor)
            ? $"cpython-3{minor}"
            : null;

    /// <summary>
    /// True when <paramref name="cache"/> is a bytecode file of <paramref name="source"/> as it is now: its header's
    /// source time and size (a timestamp-based .pyc, what py_compile writes) match, or it is hash-based (the
    /// interpreter checks those itself).
    /// </summary>
    public static bool IsCurrent(string cache, string source)
    {
        Span<byte> header = stackalloc byte[16];
        try
        {
            using var file = File.OpenRead(cache);
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            {
                return false;
            }
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != 0)
        {
            return true;
        }

        var info = new FileInfo(source);
        var seconds = (uint)new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds();
        return BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) == seconds
            && BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) == (uint)info.Length;
    }

    private async Task CompileAsync(string interpreter, string source, TaskCompletionSource done)
    {
        try
        {
            var start = new ProcessStartInfo(interpreter)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // py_compile writes to a temporary file and renames it: a server starting an environment meanwhile, or
            // another server sharing this runtime directory, reads the old file or the new one, never half of one.
            foreach (var argument in (ReadOnlySpan<string>)["-c", "import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)", source])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {interpreter}");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            await process.WaitForExitAsync(CancellationToken.None);
            var message = ((await output) + (await error)).Trim();
            if (process.ExitCode != 0)
            {
                Log.CompileFailed(logger, interpreter, message);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            Log.CompileFailed(logger, interpreter, e.Message);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1304, Level = LogLevel.Debug, Message = "The Python runtime client's bytecode could not be written with {Interpreter} (each environment compiles it instead): {Reason}")]
        public static partial void CompileFailed(ILogger logger, string interpreter, string reason);
    }
}
