// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>One real nimbus server per test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public NimbusServer Server { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public AwsClients Clients { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public async ValueTask InitializeAsync()
    {
        Server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);
        Clients = new AwsClients(Server);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
