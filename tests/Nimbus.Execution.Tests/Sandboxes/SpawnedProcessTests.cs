// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>The server's own spawn for long-lived helpers (slirp4netns).</summary>
public sealed class SpawnedProcessTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Start_GivenDescriptorsAndEnvironment_ChildHasThoseOnly()
    {
        var (inputRead, input) = SpawnedProcess.Pipe();
        var (outputRead, outputWrite) = SpawnedProcess.Pipe();
        var (extraRead, extraWrite) = SpawnedProcess.Pipe();
        const string Script = """
            echo "$FOO:${HOME-unset}" >&3
            exec 3>&-
            echo done
            read line
            exit 7
            """;
        using var process = Start("/bin/sh", ["-c", Script], ["FOO=bar"], [(inputRead, 0), (outputWrite, 1), (outputWrite, 2), (extraWrite, 3)]);
        var lines = new List<string>();
        var output = PipeLines.ForwardAsync(SpawnedProcess.Reader(outputRead), lines.Add);
        var extra = new List<string>();
        await PipeLines.ForwardAsync(SpawnedProcess.Reader(extraRead), extra.Add).WaitAsync(s_wait, TestContext.Current.CancellationToken);

        input.Dispose();

        Assert.True(await process.WaitForExitAsync(s_wait));
        await output.WaitAsync(s_wait, TestContext.Current.CancellationToken);
        Assert.Equal(["bar:unset"], extra);
        Assert.Equal(["done"], lines);
        Assert.Equal(7, process.ExitStatus >> 8);
    }

    [Fact]
    public async Task Start_TheServersOtherDescriptors_AreNotInherited()
    {
        var (outputRead, outputWrite) = SpawnedProcess.Pipe();
        var (otherRead, otherWrite) = SpawnedProcess.Pipe();
        using var process = Start("/bin/ls", ["-1", "/proc/self/fd"], [], [(outputWrite, 1)]);
        var lines = new List<string>();

        await PipeLines.ForwardAsync(SpawnedProcess.Reader(outputRead), lines.Add).WaitAsync(s_wait, TestContext.Current.CancellationToken);

        // What the child has besides its standard streams is what this test host inherited without close-on-exec.
        Assert.Contains("1", lines);
        Assert.DoesNotContain(otherRead.DangerousGetHandle().ToString(CultureInfo.InvariantCulture), lines);
        Assert.DoesNotContain(otherWrite.DangerousGetHandle().ToString(CultureInfo.InvariantCulture), lines);
        Assert.True(await process.WaitForExitAsync(s_wait));
        Assert.Equal(0, process.ExitStatus);
        otherRead.Dispose();
        otherWrite.Dispose();
    }

    [Fact]
    public async Task Kill_RunningChild_IsReapedWithTheSignal()
    {
        using var process = Start("/bin/sleep", ["60"], [], []);
        Assert.False(process.TryReap());

        Assert.True(process.Kill());

        Assert.True(await process.WaitForExitAsync(s_wait));
        Assert.Equal(9, process.ExitStatus & 0x7f);
        Assert.False(process.Kill());
    }

    [Fact]
    public void Start_NoSuchExecutable_Throws()
    {
        var error = Assert.Throws<SandboxStartException>(() => SpawnedProcess.Start("/nonexistent/helper", [], [], []));

        Assert.Contains("/nonexistent/helper", error.Message, StringComparison.Ordinal);
    }

    private static SpawnedProcess Start(string path, string[] arguments, string[] environment, (Microsoft.Win32.SafeHandles.SafeFileHandle Handle, int As)[] descriptors)
    {
        var fds = new (int, int)[descriptors.Length];
        for (var i = 0; i < descriptors.Length; i++)
        {
            fds[i] = ((int)descriptors[i].Handle.DangerousGetHandle(), descriptors[i].As);
        }

        var process = SpawnedProcess.Start(path, arguments, environment, fds);
        foreach (var (handle, _) in descriptors)
        {
            handle.Dispose();
        }

        return process;
    }
}
