// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Arns;
using Nimbus.Events.Async;
using Nimbus.Events.Queues;

namespace Nimbus.Events.Tests.Queues;

/// <summary>The built-in queues as destinations, dead-letter queues and event source mappings use them, on a fake clock.</summary>
public sealed class QueueBridgeTests
{
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendThenReceive_DeadLetterAttributesTraceAndTimestampsFromTheClock()
    {
        var time = new FakeTimeProvider(Start);
        await using var harness = await QueueHarness.StartAsync(time);
        var queue = await harness.Queues.CreateQueueAsync(Scope, "dead-letters", null, null, Token);
        var bridge = new QueueBridge(harness.Queues);
        var attributes = new Dictionary<string, QueueAttributeValue>(StringComparer.Ordinal)
        {
            ["RequestID"] = new("String", "8f5a6b2c-0000-4000-8000-000000000001"),
            ["ErrorCode"] = new("Number", "200"),
        };

        Assert.True(await bridge.SendAsync(queue.Arn, """{"order":7}""", attributes, "Root=1-67c68a3f-000000000000000000000001", Token));
        time.Advance(TimeSpan.FromSeconds(2));
        var message = Assert.Single(await bridge.ReceiveAsync(queue.Arn, 10, TimeSpan.Zero, Token));

        Assert.Equal("""{"order":7}""", message.Body);
        Assert.Equal("Root=1-67c68a3f-000000000000000000000001", message.TraceHeader);
        Assert.Equal(
            ["ApproximateReceiveCount", "AWSTraceHeader", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"],
            message.Attributes.Select(a => a.Key));
        Assert.Equal(Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), message.Attributes.Single(a => a.Key == "SentTimestamp").Value);
        Assert.Equal(
            Start.AddSeconds(2).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            message.Attributes.Single(a => a.Key == "ApproximateFirstReceiveTimestamp").Value);
        Assert.Equal(["ErrorCode", "RequestID"], message.MessageAttributes.Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SetVisibility_HiddenUntilTheClockPassesIt_ThenReceivedAgain()
    {
        var time = new FakeTimeProvider(Start);
        await using var harness = await QueueHarness.StartAsync(time);
        var queue = await harness.Queues.CreateQueueAsync(Scope, "orders", null, null, Token);
        var bridge = new QueueBridge(harness.Queues);
        await bridge.SendAsync(queue.Arn, "{}", new Dictionary<string, QueueAttributeValue>(), null, Token);
        var first = Assert.Single(await bridge.ReceiveAsync(queue.Arn, 10, TimeSpan.Zero, Token));

        // A throttled batch goes back with a short visibility, as the mapping pollers give it back.
        await bridge.SetVisibilityAsync(queue.Arn, [first.ReceiptHandle], TimeSpan.FromSeconds(1), Token);
        Assert.Empty(await bridge.ReceiveAsync(queue.Arn, 10, TimeSpan.Zero, Token));
        time.Advance(TimeSpan.FromSeconds(1));
        var again = Assert.Single(await bridge.ReceiveAsync(queue.Arn, 10, TimeSpan.Zero, Token));

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal("2", again.Attributes.Single(a => a.Key == "ApproximateReceiveCount").Value);
        await bridge.DeleteAsync(queue.Arn, [again.ReceiptHandle], Token);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(await bridge.ReceiveAsync(queue.Arn, 10, TimeSpan.Zero, Token));
    }

    [Fact]
    public async Task MissingQueue_SendIsFalseAndSettingsNull()
    {
        await using var harness = await QueueHarness.StartAsync(new FakeTimeProvider(Start));
        var bridge = new QueueBridge(harness.Queues);
        const string missing = "arn:aws:sqs:us-east-1:000000000000:missing";

        Assert.False(await bridge.SendAsync(missing, "{}", new Dictionary<string, QueueAttributeValue>(), null, Token));
        Assert.False(await bridge.ExistsAsync(missing, Token));
        Assert.Null(await bridge.GetQueueAsync(missing, Token));
    }
}
