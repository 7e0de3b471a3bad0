// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>A real nimbus server whose log retention sweep runs every second.</summary>
public sealed class LogsServerFixture : IAsyncLifetime
{
    public NimbusServer Server { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public AwsClients Clients { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string>(TestEnvironment.Server) { ["NIMBUS_LOG_RETENTION_SWEEP_SECONDS"] = "1" };
        Server = await NimbusServer.StartAsync(settings, TestContext.Current.CancellationToken);
        Clients = new AwsClients(Server);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
