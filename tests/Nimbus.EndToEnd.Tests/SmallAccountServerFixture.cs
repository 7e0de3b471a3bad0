// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>A real nimbus server with an account limit of 2 and one new environment per function per 10 s.</summary>
public sealed class SmallAccountServerFixture : IAsyncLifetime
{
    public NimbusServer Server { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public AwsClients Clients { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string>(TestEnvironment.Server)
        {
            ["NIMBUS_CONCURRENT_EXECUTIONS"] = "2",
            ["NIMBUS_SCALING_BURST_PER_10_SECONDS"] = "1",
        };
        Server = await NimbusServer.StartAsync(settings, TestContext.Current.CancellationToken);
        Clients = new AwsClients(Server);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
