// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// The server runs socket completions on its event threads (docs/internals/invoke-path.md#socket-completions-on-the-event-threads):
/// it sets the runtime's switch for itself before its first socket, which .NET answers with one event thread per core
/// instead of one for up to 30 cores. Set too late, the switch would do nothing and the count says so.
/// </summary>
public sealed class EventThreadTests
{
    [Fact]
    public async Task Server_SetsInlineCompletions_OneEventThreadPerCore()
    {
        Assert.SkipWhen(Environment.ProcessorCount < 2, "one core: one event thread either way");
        await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, TestContext.Current.CancellationToken);

        Assert.Equal(Environment.ProcessorCount, EventThreads(server.ProcessId));
    }

    [Fact]
    public async Task Server_OperatorTurnedItOff_OneEventThread()
    {
        Assert.SkipWhen(Environment.ProcessorCount is < 2 or >= 30, "the count would not tell");
        var environment = new Dictionary<string, string>(TestEnvironment.Server) { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "0" };
        await using var server = await NimbusServer.StartAsync(environment, TestContext.Current.CancellationToken);

        Assert.Equal(1, EventThreads(server.ProcessId));

        // And it serves as before.
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(server.Endpoint, "/_nimbus/health"), TestContext.Current.CancellationToken);
        Assert.True(health.IsSuccessStatusCode);
    }

    /// <summary>.NET's socket engine threads of the process (their name, cut to 15 bytes by the kernel).</summary>
    private static int EventThreads(int processId)
    {
        var count = 0;
        foreach (var task in Directory.GetDirectories($"/proc/{processId}/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == ".NET Sockets")
            {
                count++;
            }
        }

        return count;
    }
}
