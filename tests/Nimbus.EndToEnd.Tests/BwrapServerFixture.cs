// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A real nimbus server with the bwrap sandbox (bubblewrap: user namespaces, no root needed). Required in CI
/// (./test.sh installs bubblewrap), skipped elsewhere when bubblewrap cannot run.
/// </summary>
public sealed class BwrapServerFixture : IAsyncLifetime
{
    public NimbusServer? Server { get; private set; }

    public AwsClients? Clients { get; private set; }

    /// <summary>Why bwrap cannot be used on this machine, or null.</summary>
    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Unavailable = await BwrapPrerequisites.MissingAsync();
        if (Unavailable is not null)
        {
            return;
        }

        var environment = new Dictionary<string, string>(TestEnvironment.Server) { ["NIMBUS_SANDBOX"] = "bwrap" };
        Server = await NimbusServer.StartAsync(environment, TestContext.Current.CancellationToken);
        Clients = new AwsClients(Server);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>The server and clients; skips the test outside CI when bwrap cannot run here, fails in CI.</summary>
    public (NimbusServer Server, AwsClients Clients) Require()
    {
        if (Unavailable is not null)
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                Assert.Fail($"bwrap sandbox tests must run in CI: {Unavailable}");
            }

            Assert.Skip($"bwrap sandbox tests need {Unavailable}");
        }

        return (Server!, Clients!); // Set whenever Unavailable is null.
    }
}
