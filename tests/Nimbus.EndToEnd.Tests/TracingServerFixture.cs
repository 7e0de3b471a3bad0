// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>A server exporting its spans to an <see cref="OtlpReceiver"/> the test runs, with the audit trail's data events on.</summary>
public sealed class TracingServerFixture : IAsyncLifetime
{
    public OtlpReceiver Receiver { get; } = new();

    public NimbusServer Server { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public AwsClients Clients { get; private set; } = null!; // Set in InitializeAsync, before any test.

    public async ValueTask InitializeAsync()
    {
        var environment = new Dictionary<string, string>(TestEnvironment.Server)
        {
            ["NIMBUS_TRACING_OTLP_ENDPOINT"] = Receiver.Endpoint,
            ["NIMBUS_AUDIT_DATA_EVENTS"] = "true",
        };
        Server = await NimbusServer.StartAsync(environment, TestContext.Current.CancellationToken);
        Clients = new AwsClients(Server);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
