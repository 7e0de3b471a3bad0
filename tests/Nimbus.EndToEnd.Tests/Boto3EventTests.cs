// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Event-driven features with boto3: destinations and dead-letter queues of asynchronous invocations, SQS event
/// source mappings, recursive-loop detection (Scripts/events.py).
/// </summary>
public sealed class Boto3EventTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("failure_record_to_queue")]
    [InlineData("success_record_to_queue")]
    [InlineData("dead_letter_queue")]
    [InlineData("failure_record_to_function")]
    [InlineData("event_invoke_config_api")]
    [InlineData("mapping_batches")]
    [InlineData("mapping_partial_failures_and_redrive")]
    [InlineData("mapping_fifo_order")]
    [InlineData("mapping_filters")]
    [InlineData("mapping_lifecycle")]
    [InlineData("recursion_through_queue_is_stopped")]
    [InlineData("recursion_through_async_invoke_is_stopped")]
    public async Task Case_Passes(string name)
    {
        var result = await fixture.Clients.Boto3Async("events.py", name);

        Assert.True(result.ExitCode == 0, $"boto3 case {name} failed: {result}\n--- server\n{fixture.Server.Output}");
        Assert.EndsWith("ok", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
