// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipes;
using System.Text;
using Nimbus.Execution.Environments;

namespace Nimbus.Execution.Tests.Environments;

/// <summary>
/// The server's reader of a handed-over runtime's output (docs/internals/invoke-path.md#direct-runtime-api): it takes
/// copies of the pipes' read ends, opens them again as its own non-blocking descriptions, refuses anything else, and
/// drains before an outcome what was written.
/// </summary>
public sealed class RuntimeOutputPumpTests
{
    [Fact]
    public void DrainWritten_TakesWhatWasWrittenBefore()
    {
        using var stdout = new AnonymousPipeServerStream(PipeDirection.Out);
        using var stderr = new AnonymousPipeServerStream(PipeDirection.Out);
        var output = new LogBuffer(TimeProvider.System);
        using var pump = new RuntimeOutputPump(output, Copy(stdout), Copy(stderr));

        stdout.Write("out line\n"u8);
        stderr.Write("err line\n"u8);
        stdout.Flush();
        pump.DrainWritten();

        Assert.Equal(["out line", "err line"], output.Drain());
    }

    [Fact]
    public async Task Drain_OriginalMadeBlocking_NeverBlocks()
    {
        // The sandbox shares the copied description's flags: clearing O_NONBLOCK there must not make a read block.
        using var stdout = new AnonymousPipeServerStream(PipeDirection.Out);
        using var stderr = new AnonymousPipeServerStream(PipeDirection.Out);
        var stdoutCopy = Copy(stdout);
        Assert.Equal(0, Libc.fcntl(stdoutCopy, 4 /* F_SETFL */, 0));
        using var pump = new RuntimeOutputPump(new LogBuffer(TimeProvider.System), stdoutCopy, Copy(stderr));

        var drained = Task.Run(pump.Drain, TestContext.Current.CancellationToken);

        // A fail-safe, not a timing assertion: a blocked read never returns.
        await drained.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(drained.IsCompletedSuccessfully);
    }

    [Fact]
    public void Constructor_NotAPipe_IsRefusedAndClosesTheCopies()
    {
        var file = Path.GetTempFileName();
        try
        {
            var notPipe = Libc.open(Encoding.ASCII.GetBytes(file + "\0"), 0);
            using var stderr = new AnonymousPipeServerStream(PipeDirection.Out);
            var stderrCopy = Copy(stderr);

            Assert.Throws<IOException>(() => new RuntimeOutputPump(new LogBuffer(TimeProvider.System), notPipe, stderrCopy));
            Assert.False(File.Exists($"/proc/self/fd/{notPipe}") && new FileInfo($"/proc/self/fd/{notPipe}").LinkTarget == file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A descriptor of the pipe's read end the pump may take (and close).</summary>
    private static int Copy(AnonymousPipeServerStream server) => Libc.dup((int)server.ClientSafePipeHandle.DangerousGetHandle());

    private static class Libc
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int dup(int fd);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int fcntl(int fd, int command, int argument);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int open(byte[] path, int flags);
    }
}
