// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>A real nimbus server with the runc sandbox. Needs root and runc: required in CI, skipped elsewhere.</summary>
public sealed class RuncServerFixture : IAsyncLifetime
{
    public NimbusServer? Server { get; private set; }

    public AwsClients? Clients { get; private set; }

    /// <summary>Why runc cannot be used on this machine, or null.</summary>
    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Unavailable = RuncPrerequisites.Missing();
        if (Unavailable is not null)
        {
            return;
        }

        Server = await NimbusServer.StartAsync(
            new Dictionary<string, string> { ["NIMBUS_SANDBOX"] = "runc" },
            TestContext.Current.CancellationToken);
        Clients = new AwsClients(Server);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>The server and clients; skips the test outside CI when runc cannot run here, fails in CI.</summary>
    public (NimbusServer Server, AwsClients Clients) Require()
    {
        if (Unavailable is not null)
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                Assert.Fail($"runc isolation tests must run in CI: {Unavailable}");
            }

            Assert.Skip($"runc isolation tests need {Unavailable}");
        }

        return (Server!, Clients!); // Set whenever Unavailable is null.
    }
}
