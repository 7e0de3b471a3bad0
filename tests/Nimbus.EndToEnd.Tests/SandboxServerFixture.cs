// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A real nimbus server with one sandbox backend, whose prerequisites may be missing on a developer's machine: the
/// tests that use it are skipped there and fail in CI (where ./test.sh installs them).
/// </summary>
public abstract class SandboxServerFixture : IAsyncLifetime
{
    public NimbusServer? Server { get; private set; }

    public AwsClients? Clients { get; private set; }

    /// <summary>Why the backend cannot be used on this machine, or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>What the tests are called in the skip and failure messages ("runc isolation tests").</summary>
    protected abstract string TestsName { get; }

    /// <summary>The server's environment, NIMBUS_SANDBOX included.</summary>
    protected abstract IReadOnlyDictionary<string, string> Environment { get; }

    public async ValueTask InitializeAsync()
    {
        Unavailable = await MissingAsync();
        if (Unavailable is not null)
        {
            return;
        }

        Server = await NimbusServer.StartAsync(Environment, TestContext.Current.CancellationToken);
        Clients = new AwsClients(Server);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The server and clients; skips the test outside CI when the backend cannot run here, fails in CI.</summary>
    public (NimbusServer Server, AwsClients Clients) Require()
    {
        if (Unavailable is not null)
        {
            if (System.Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                Assert.Fail($"{TestsName} must run in CI: {Unavailable}");
            }

            Assert.Skip($"{TestsName} need {Unavailable}");
        }

        return (Server!, Clients!); // Set whenever Unavailable is null.
    }

    /// <summary>What this machine lacks for the backend, or null.</summary>
    protected abstract Task<string?> MissingAsync();
}
