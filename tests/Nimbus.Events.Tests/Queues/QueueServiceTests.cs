// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Queues;

namespace Nimbus.Events.Tests.Queues;

/// <summary>The in-process queue API the rest of Nimbus uses (destinations, dead-letter queues, event source mappings).</summary>
public sealed class QueueServiceTests
{
    private static readonly Scope Scope = new("000000000000", "us-east-1");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAndReceiveByArn_CarrySystemAndTypedMessageAttributes()
    {
        await using var harness = await QueueHarness.StartAsync(TimeProvider.System);
        var queue = await harness.Queues.CreateQueueAsync(Scope, "in-process", null, null, Token);
        var attributes = new Dictionary<string, MessageAttributeValue>
        {
            ["kind"] = new() { DataType = "String", StringValue = "record" },
            ["size"] = new() { DataType = "Number", StringValue = "3" },
            ["raw"] = new() { DataType = "Binary", BinaryValue = [9, 8] },
        };

        var sent = await harness.Queues.SendMessageAsync(
            queue.Arn, new OutgoingMessage { Body = "{}", MessageAttributes = attributes, AwsTraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793" }, Token);
        var received = await harness.Queues.ReceiveMessagesAsync(queue.Arn, 10, TimeSpan.FromSeconds(30), TimeSpan.Zero, Token);

        var message = Assert.Single(received);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal("99914b932bd37a50b983c5e7c90ae93b", message.Md5OfBody);
        // SQS's documented digest (each name, type and value length-prefixed, a transport byte before the value),
        // computed once outside Nimbus: not with the QueueMd5 helper this checks.
        Assert.Equal("7db14828ffd14e78ade206a52e30841e", message.Md5OfMessageAttributes);
        Assert.Equal(sent.Md5OfMessageAttributes, message.Md5OfMessageAttributes);
        Assert.Equal("62a56dd927315f2b2e12832b84617ea5", sent.Md5OfMessageSystemAttributes);
        Assert.Equal("Number", message.MessageAttributes!["size"].DataType);
        Assert.Equal([9, 8], message.MessageAttributes["raw"].BinaryValue);
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793", message.AwsTraceHeader);
        Assert.Equal(1, message.ApproximateReceiveCount);
        Assert.Equal("000000000000", message.SenderId);
        Assert.Null(message.SequenceNumber);
        Assert.True(message.ApproximateFirstReceiveTimestamp >= message.SentTimestamp);
    }

    [Fact]
    public async Task GetQueueByArnAndTrySend_MissingQueue_AreNull()
    {
        await using var harness = await QueueHarness.StartAsync(TimeProvider.System);
        const string missing = "arn:aws:sqs:us-east-1:000000000000:missing";

        Assert.Null(await harness.Queues.GetQueueByArnAsync(missing, Token));
        Assert.Null(await harness.Queues.GetQueueByArnAsync("not an arn", Token));
        Assert.Null(await harness.Queues.TrySendMessageAsync(missing, new OutgoingMessage { Body = "x" }, Token));
        var error = await Assert.ThrowsAsync<QueueException>(() => harness.Queues.SendMessageAsync(missing, new OutgoingMessage { Body = "x" }, Token));
        Assert.Equal("QueueDoesNotExist", error.ShapeName);
    }

    [Fact]
    public async Task GetQueueByArn_ExistingQueue_HasItsSettings()
    {
        await using var harness = await QueueHarness.StartAsync(TimeProvider.System);
        var dlq = await harness.Queues.CreateQueueAsync(Scope, "dlq", null, null, Token);
        await harness.Queues.CreateQueueAsync(
            Scope,
            "source",
            new Dictionary<string, string> { ["VisibilityTimeout"] = "45", ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{dlq.Arn}}","maxReceiveCount":3}""" },
            null,
            Token);

        var queue = await harness.Queues.GetQueueByArnAsync("arn:aws:sqs:us-east-1:000000000000:source", Token);

        Assert.NotNull(queue);
        Assert.Equal(45, queue.Settings.VisibilityTimeout);
        Assert.Equal(new RedrivePolicy(dlq.Arn, 3), queue.Settings.RedrivePolicy);
        Assert.False(queue.IsFifo);
    }

    [Fact]
    public async Task ReceiveWithWait_WokenBySendWithoutPolling()
    {
        // The clock never moves: the receive's 20 s wait cannot run out, so only the send can end it.
        var time = new TimerWatchingTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        await using var harness = await QueueHarness.StartAsync(time);
        var queue = await harness.Queues.CreateQueueAsync(Scope, "wake", null, null, Token);

        var receiving = harness.Queues.ReceiveMessagesAsync(queue.Arn, 1, null, TimeSpan.FromSeconds(20), Token);
        await time.TimerCreated.WaitAsync(Token); // the receive found nothing and sleeps on its wait
        Assert.False(receiving.IsCompleted);
        await harness.Queues.SendMessageAsync(queue.Arn, new OutgoingMessage { Body = "now" }, Token);
        var received = await receiving;

        Assert.Equal("now", Assert.Single(received).Body);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), time.GetUtcNow());
    }

    [Fact]
    public async Task WaitForMessagesAsync_SignalledBySend_TimesOutOtherwise()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        await using var harness = await QueueHarness.StartAsync(time);
        var queue = await harness.Queues.CreateQueueAsync(Scope, "signal", null, null, Token);

        var quiet = harness.Queues.WaitForMessagesAsync(queue.Arn, TimeSpan.FromSeconds(5), Token);
        time.Advance(TimeSpan.FromSeconds(5));
        var waiting = harness.Queues.WaitForMessagesAsync(queue.Arn, TimeSpan.FromMinutes(1), Token);
        await harness.Queues.SendMessageAsync(queue, new OutgoingMessage { Body = "m" }, Token);

        Assert.False(await quiet);
        Assert.True(await waiting);
    }

    [Fact]
    public async Task DeleteAndChangeVisibility_ReportEachHandle()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        await using var harness = await QueueHarness.StartAsync(time);
        var queue = await harness.Queues.CreateQueueAsync(Scope, "handles", null, null, Token);
        await harness.Queues.SendMessageBatchAsync(queue, [new OutgoingMessage { Body = "a" }, new OutgoingMessage { Body = "b" }], Token);
        var first = await harness.Queues.ReceiveMessagesAsync(queue.Arn, 10, TimeSpan.FromSeconds(10), TimeSpan.Zero, Token);
        time.Advance(TimeSpan.FromSeconds(10));
        var second = await harness.Queues.ReceiveMessagesAsync(queue.Arn, 10, TimeSpan.FromSeconds(10), TimeSpan.Zero, Token);

        var stale = await Assert.ThrowsAsync<QueueException>(() => harness.Queues.ChangeVisibilityAsync(queue.Arn, first[0].ReceiptHandle, TimeSpan.Zero, Token));
        await harness.Queues.ChangeVisibilityAsync(queue.Arn, second[1].ReceiptHandle, TimeSpan.FromSeconds(60), Token);
        var errors = await harness.Queues.DeleteMessagesAsync(queue.Arn, [second[0].ReceiptHandle, "garbage"], Token);
        time.Advance(TimeSpan.FromSeconds(10));
        var remaining = await harness.Queues.ReceiveMessagesAsync(queue.Arn, 10, null, TimeSpan.Zero, Token);
        time.Advance(TimeSpan.FromSeconds(50));
        var later = await harness.Queues.ReceiveMessagesAsync(queue.Arn, 10, null, TimeSpan.Zero, Token);

        Assert.Equal("InvalidParameterValue", stale.QueryCode);
        Assert.Null(errors[0]);
        Assert.Equal("ReceiptHandleIsInvalid", errors[1]!.ShapeName);
        Assert.Empty(remaining);
        Assert.Equal(3, Assert.Single(later).ApproximateReceiveCount);
    }
}
