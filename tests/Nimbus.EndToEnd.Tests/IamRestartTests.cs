// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Durability of IAM and STS: users, keys (with their status) and acknowledged sessions survive <c>kill -9</c>.</summary>
public sealed class IamRestartTests
{
    [Fact]
    public async Task KillAndRestart_KeepsUsersKeysAndSessions()
    {
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);
        var clients = new AwsClients(server);
        var setup = await clients.Boto3Async("iam_restart.py", "before");
        Assert.True(setup.ExitCode == 0, $"before: {setup}\n--- server\n{server.Output}");
        var state = setup.StandardOutput.Trim().Split('\n')[^1];

        await server.KillAsync();
        await server.RestartAsync(TestContext.Current.CancellationToken);

        var after = await new AwsClients(server).Boto3Async("iam_restart.py", "after", state);
        Assert.True(after.ExitCode == 0, $"after: {after}\n--- server\n{server.Output}");
        Assert.EndsWith("ok", after.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
