// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>The built-in SQS-compatible queues with boto3 (JSON protocol): every operation, FIFO, redrive, long polling (Scripts/queues.py).</summary>
public sealed class Boto3QueueTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("queue_lifecycle")]
    [InlineData("list_queues_paging")]
    [InlineData("send_receive_delete")]
    [InlineData("batches")]
    [InlineData("visibility_timeout")]
    [InlineData("long_polling_wakes_on_send")]
    [InlineData("delay")]
    [InlineData("fifo")]
    [InlineData("redrive_to_dead_letter_queue")]
    [InlineData("purge_and_limits")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("queues.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
