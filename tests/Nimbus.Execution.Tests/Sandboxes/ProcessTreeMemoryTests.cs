// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>The process and bwrap sandboxes' Max Memory Used: the high-water marks of a process tree, read through kept handles.</summary>
public sealed class ProcessTreeMemoryTests
{
    /// <summary>A shell whose child (python) grows by the MB it is told on stdin and answers "ok" each time.</summary>
    private const string Grower = "import sys\nkept = []\nfor line in sys.stdin:\n    kept.append(bytearray(int(line) * 1024 * 1024))\n    print('ok', flush=True)\n";

    [Fact]
    public async Task PeakMemory_FollowsTheTreeAcrossReads_ThroughKeptHandles()
    {
        var python = Environment.GetEnvironmentVariable("NIMBUS_TEST_PYTHON") is { Length: > 0 } configured ? configured : "python3";
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"exec 3<&0; \"{python}\" -c \"$GROWER\" <&3; exit 0"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        start.Environment["GROWER"] = Grower;
        using var shell = Process.Start(start)!;
        using var memory = new ProcessTreeMemory(shell.Id);
        try
        {
            await shell.StandardInput.WriteLineAsync("1");
            Assert.Equal("ok", await shell.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
            var small = memory.PeakMemoryBytes();

            await shell.StandardInput.WriteLineAsync("64");
            Assert.Equal("ok", await shell.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
            var large = memory.PeakMemoryBytes();

            Assert.NotNull(small);
            Assert.NotNull(large);
            // A memory figure the test causes (64 MB allocated and zero-filled by the child), not a timing: the kept handle must see it.
            Assert.True(large - small >= 60L * 1024 * 1024, $"the second read ({large}) should show the 64 MB the child took since the first ({small})");
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
            await shell.WaitForExitAsync(TestContext.Current.CancellationToken);

            // The shell is reaped, but its python child may still be exiting with its memory mapped. The kernel closes a
            // process's files after it has released its memory, so the end of the shared stdout pipe means both are past it.
            await shell.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        }

        // The tree is gone (or only zombies without memory remain): the kept handles fail their reads, nothing throws.
        Assert.True(memory.PeakMemoryBytes() is null or 0);
    }
}
