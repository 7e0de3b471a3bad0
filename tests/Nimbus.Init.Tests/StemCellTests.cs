// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Protocol;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests;

/// <summary>
/// A stem cell's runtime (Start with stem-cell: 1) on its fd 3: it says when it waits for its function, then reads the
/// function's environment from a later Specialize. The runtime here is /bin/sh, held at a gate file the test creates.
/// </summary>
public sealed class StemCellTests
{
    // Prints "starting", waits for ./go, prints "waiting-now", writes its byte, then prints the environment it is given.
    private const string Cell = """
        trap '' PIPE
        echo starting
        while [ ! -e go ]; do sleep 0.01; done
        echo waiting-now
        printf w >&3 2>/dev/null
        tr '\0' '\n' <&3
        """;

    [Fact]
    public async Task Start_StemCell_WaitingComesOnlyOnceTheRuntimeWroteItsByte()
    {
        await using var host = await FakeHost.StartAsync();
        await host.StartRuntimeAsync("sh", ["-c", Cell], stemCell: true);
        await host.WaitForStdoutAsync("starting");

        await File.WriteAllTextAsync(Path.Combine(host.Directory, "go"), "", TestContext.Current.CancellationToken);
        await host.ExpectAsync(FrameType.Waiting);

        // Output goes to the host before any frame after it: the runtime printed this just before its byte.
        Assert.Contains("waiting-now", host.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Specialize_AfterWaiting_RuntimeReadsTheFunctionsEnvironment()
    {
        await using var host = await FakeHost.StartAsync();
        await host.StartRuntimeAsync("sh", ["-c", Cell], stemCell: true);
        await File.WriteAllTextAsync(Path.Combine(host.Directory, "go"), "", TestContext.Current.CancellationToken);
        await host.ExpectAsync(FrameType.Waiting);

        await host.SendAsync(new Frame(FrameType.Specialize, [new(FrameHeaders.Environment, "FUNCTION_VAR=a b")]));
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("0", exited.Header(FrameHeaders.Status));
        Assert.Contains("FUNCTION_VAR=a b\n", host.Stdout, StringComparison.Ordinal);
        Assert.Contains($"AWS_LAMBDA_RUNTIME_API={host.RuntimeApi}\n", host.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Specialize_BeforeTheRuntimeWaits_RuntimeStillGetsItsEnvironment()
    {
        await using var host = await FakeHost.StartAsync();
        await host.StartRuntimeAsync("sh", ["-c", Cell], stemCell: true);
        await host.WaitForStdoutAsync("starting");

        // A cell taken while its runtime still starts: the environment waits in the socket. (Whether its byte still
        // finds a reader depends on when nimbus-init handled Specialize; a late Waiting changes nothing on the host.)
        await host.SendAsync(new Frame(FrameType.Specialize, [new(FrameHeaders.Environment, "FUNCTION_VAR=early")]));
        await File.WriteAllTextAsync(Path.Combine(host.Directory, "go"), "", TestContext.Current.CancellationToken);
        var exited = await host.ExpectAsync(FrameType.Exited, skipping: FrameType.Waiting);

        Assert.Equal("0", exited.Header(FrameHeaders.Status));
        Assert.Contains("waiting-now\n", host.Stdout, StringComparison.Ordinal);
        Assert.Contains("FUNCTION_VAR=early\n", host.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_StemCellRuntimeExitsBeforeWaiting_OnlyExitedIsSent()
    {
        await using var host = await FakeHost.StartAsync();

        await host.StartRuntimeAsync("sh", ["-c", "echo broken; exit 4"], stemCell: true);
        var exited = await host.ExpectAsync(FrameType.Exited);

        Assert.Equal("4", exited.Header(FrameHeaders.Status));
        Assert.Equal("broken\n", host.Stdout);
    }
}
