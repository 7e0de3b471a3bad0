// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Queue durability: acknowledged messages survive <c>kill -9</c>; in-flight ones stay hidden, keep working receipt handles and come back when their visibility timeout ends.</summary>
public sealed class QueueRestartTests
{
    [Fact]
    public async Task KillAndRestart_NoMessageLost_InFlightReappearAfterTheirTimeout()
    {
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);
        var queue = $"durable-{Guid.NewGuid():N}"[..24];
        var sent = await new AwsClients(server).Boto3Async("queues.py", "send_for_restart", queue, "57");
        Assert.True(sent.ExitCode == 0, $"{sent}\n--- server\n{server.Output}");
        var taken = sent.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^2].Split(' ');

        await server.KillAsync(); // SIGKILL: no shutdown, no checkpoint
        await server.RestartAsync(TestContext.Current.CancellationToken);

        var checkedAfter = await new AwsClients(server).Boto3Async("queues.py", ["check_after_restart", queue, "57", .. taken]);
        Assert.True(checkedAfter.ExitCode == 0, $"{checkedAfter}\n--- server\n{server.Output}");
    }
}
