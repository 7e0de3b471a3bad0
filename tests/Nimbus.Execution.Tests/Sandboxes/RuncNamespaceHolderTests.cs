// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// The holder and reaper of a SnapStart container's namespaces (<see cref="RuncNamespaceHolder"/>): made before the
/// container, they must not outlive a start that is cancelled while they are made (the cold start's caller gave up,
/// the server stops): nothing else would ever kill them.
/// </summary>
public sealed class RuncNamespaceHolderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nimbus-holder-").FullName;

    /// <param name="lineEnded">
    /// True: the script's line reaches the server whole, and the start is cancelled while it waits for the interpreter's
    /// end (or, by chance, before it took the line). False: the line reaches it without its newline, so the start is
    /// cancelled with the report unread (until 2026-12-05 a start cancelled in that window left both running: seen in CI).
    /// </param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StartAsync_CancelledOnceTheNamespacesAreMade_LeavesNoHolderOrReaper(bool lineEnded)
    {
        if (!Environment.IsPrivilegedProcess || HostExecutable.Find("python3") is not { } python)
        {
            Assert.Skip("the holder needs root and python3");
            return;
        }

        // The holder's script as the server runs it, whose interpreter then lingers: the namespaces are made and
        // reported, and the start is cancelled.
        var reported = Path.Combine(_directory, "reported");
        var wrapper = Path.Combine(_directory, "python");
        var report = lineEnded ? $"cat {reported}.tmp" : $"printf '%s' \"$(cat {reported}.tmp)\"";
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\n{python} \"$@\" > {reported}.tmp\n{report}\nmv {reported}.tmp {reported}\nexec sleep 600\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        // Nested in this process's own pid namespace (the host's), which the holder may enter.
        var start = RuncNamespaceHolder.StartAsync(wrapper, Environment.ProcessId, cancel.Token);
        var pids = await ReportedAsync(reported);
        Assert.False(start.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        foreach (var pid in pids)
        {
            Assert.True(await EndedAsync(pid), $"process {pid} of the cancelled start still runs");
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The holder's and reaper's pids once the script reported them (the deadline only guards a hang).</summary>
    private static async Task<int[]> ReportedAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!File.Exists(path))
        {
            Assert.True(DateTime.UtcNow < deadline, "the holder's script never reported");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        return [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
    }

    /// <summary>True once the process is gone or a zombie (killed, not yet reaped by its new parent); false if it still runs after a minute.</summary>
    private static async Task<bool> EndedAsync(int pid)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            string stat;
            try
            {
                stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", TestContext.Current.CancellationToken);
            }
            catch (IOException)
            {
                return true;
            }

            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return false;
    }
}
