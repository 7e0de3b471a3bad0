// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Durability of event source mappings: messages in flight when the server is killed are all handled after it restarts.</summary>
public sealed class MappingRestartTests
{
    [Fact]
    public async Task KillWithMessagesInFlight_EveryMessageHandledAfterRestart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, ct);
        var setup = await new AwsClients(server).Boto3Async("events.py", "mapping_restart_setup");
        Assert.True(setup.ExitCode == 0, $"setup failed: {setup}\n--- server\n{server.Output}");
        var sinkUrl = setup.StandardOutput.Trim().Split('\n')[^2].Trim();

        await server.KillAsync(); // SIGKILL with batches in flight and most messages still queued
        await server.RestartAsync(ct);

        var check = await ChildProcess.RunAsync(
            AwsClients.Python,
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "events.py"), "mapping_restart_check"],
            new AwsClients(server).Environment,
            standardInput: sinkUrl + "\n",
            cancellationToken: ct);
        Assert.True(check.ExitCode == 0, $"messages lost across kill -9: {check}\n--- server\n{server.Output}");
    }
}
