// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Init.Tests.Idle;

/// <summary>
/// nimbus-idle started wrongly (it is only ever executed by nimbus-init, which checked its descriptors): it exits with 2
/// and does not leave the runtime it was named unsupervised — the runtime's process group is killed.
/// </summary>
public sealed class IdleProgramTests
{
    [Theory]
    [InlineData("--host", "987", "--runtime", "{0}")]
    [InlineData("--host", "0", "--runtime", "{0}", "--api", "988")]
    [InlineData("--runtime", "{0}")]
    [InlineData("--host", "0", "--runtime", "{0}", "--bridge", "0")]
    [InlineData("--runtime", "{0}", "--host", "0", "--unknown", "1")]
    [InlineData("--runtime", "{0}", "--host", "0", "--runtime", "1")]
    public async Task BadArguments_ExitWithTwoAndStopTheRuntimesGroup(params string[] arguments)
    {
        // A stand-in runtime leading its own process group, as nimbus-init starts the real one.
        using var runtime = Process.Start(new ProcessStartInfo("setsid", ["sleep", "600"]) { UseShellExecute = false })!;
        using var idle = Process.Start(new ProcessStartInfo(IdleSupervisorTests.IdleProgram(), arguments.Select(a => string.Format(System.Globalization.CultureInfo.InvariantCulture, a, runtime.Id)))
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        })!;
        var stderr = await idle.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await idle.WaitForExitAsync(TestContext.Current.CancellationToken);

        // Only a guard against a hang: the group is killed before nimbus-idle exits.
        using var failSafe = Support.FakeHost.Timeout();
        var stopped = await runtime.WaitForExitAsync(failSafe.Token).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
        if (!stopped)
        {
            runtime.Kill();
        }

        Assert.Equal(2, idle.ExitCode);
        Assert.StartsWith("nimbus-init: ", stderr, StringComparison.Ordinal);
        Assert.True(stopped, "the runtime's group was not killed");
        Assert.Equal(137, runtime.ExitCode);
    }
}
