// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>A real nimbus server with the process sandbox (environments as host processes), whatever the machine has.</summary>
public sealed class ProcessServerFixture : IAsyncLifetime
{
    public NimbusServer Server { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public AwsClients Clients { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public async ValueTask InitializeAsync()
    {
        var environment = new Dictionary<string, string>(TestEnvironment.Server) { ["NIMBUS_SANDBOX"] = "process" };
        Server = await NimbusServer.StartAsync(environment, TestContext.Current.CancellationToken);
        Clients = new AwsClients(Server);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
