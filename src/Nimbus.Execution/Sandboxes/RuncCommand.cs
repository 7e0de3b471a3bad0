// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Threading;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The one way the runc backend runs a short-lived helper (runc, ip): standard input closed, output captured,
/// killed with its whole tree when cancelled or past its time limit, stderr written to the log when it fails.
/// </summary>
internal static class RuncCommand
{
    private static readonly TimeSpan _defaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<RuncCommandResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        ILogger logger,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        using var process = Process.Start(CreateStartInfo(fileName, arguments))
            ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();

        // Read synchronously, the readers are not closed by Process.Dispose: their pipes waited for the finalizer
        // (6–7 per runc environment, seen piling up in the server).
        using var output = process.StandardOutput;
        using var error = process.StandardError;
        var stdout = output.ReadToEndAsync(CancellationToken.None);
        var stderr = error.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? _defaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {(timeout ?? _defaultTimeout).TotalSeconds} s");
        }

        var result = new RuncCommandResult(process.ExitCode, await stdout, await stderr);
        // A pipe's end completes on an event thread (.NET reads pipes through sockets); callers go on with processes and files.
        await EventThreads.Leave();
        if (result.ExitCode != 0)
        {
            RuncLog.CommandFailed(logger, Path.GetFileName(fileName), string.Join(' ', arguments), result.ExitCode, result.StandardError.Trim());
        }

        return result;
    }

    /// <summary>The synchronous form, for the start-up sweep (it runs once, before anything is served).</summary>
    public static RuncCommandResult Run(string fileName, IReadOnlyList<string> arguments, ILogger logger)
    {
        using var process = Process.Start(CreateStartInfo(fileName, arguments))
            ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();

        // Read synchronously, the readers are not closed by Process.Dispose: their pipes waited for the finalizer
        // (6–7 per runc environment, seen piling up in the server).
        using var output = process.StandardOutput;
        using var error = process.StandardError;
        var stdout = output.ReadToEndAsync(CancellationToken.None);
        var stderr = error.ReadToEndAsync(CancellationToken.None);
        if (!process.WaitForExit(_defaultTimeout))
        {
            KillTree(process);
            process.WaitForExit();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {_defaultTimeout.TotalSeconds} s");
        }

#pragma warning disable VSTHRD002 // Both reads end with the process, which has exited.
        var result = new RuncCommandResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
#pragma warning restore VSTHRD002
        if (result.ExitCode != 0)
        {
            RuncLog.CommandFailed(logger, Path.GetFileName(fileName), string.Join(' ', arguments), result.ExitCode, result.StandardError.Trim());
        }

        return result;
    }

    public static ProcessStartInfo CreateStartInfo(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
