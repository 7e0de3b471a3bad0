// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Bench;

/// <summary>
/// A bare interpreter's start (<c>python -c pass</c>, <c>node -e 0</c>, <c>java -version</c>), the reference a cold
/// start is compared with: spawned from .NET and waited for, by its real path, without the variables this machine's
/// shell sets that a sandbox's runtime never has. <c>NODE_EXTRA_CA_CERTS</c> makes node load the whole CA bundle
/// at start (~33 ms added to a ~22 ms start here) and <c>JAVA_TOOL_OPTIONS</c> adds agents or flags: a reference that paid
/// them would hide that much of Nimbus's own overhead.
/// </summary>
internal static class ReferenceStart
{
    private static readonly string[] NotInSandboxes = ["NODE_EXTRA_CA_CERTS", "JAVA_TOOL_OPTIONS"];

    /// <summary>Milliseconds from the spawn to the exit; a non-zero exit code throws.</summary>
    public static async Task<double> TimeAsync(string executable, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in NotInSandboxes)
        {
            start.Environment.Remove(name);
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + executable);
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(cancellationToken), process.StandardError.ReadToEndAsync(cancellationToken));
        await process.WaitForExitAsync(cancellationToken);
        await drain;
        var elapsed = Stats.Milliseconds(started, Stopwatch.GetTimestamp());
        return process.ExitCode == 0 ? elapsed : throw new InvalidOperationException($"{executable} {string.Join(' ', arguments)} exited with {process.ExitCode}");
    }
}
