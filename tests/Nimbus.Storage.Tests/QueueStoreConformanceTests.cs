// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Queues;
using Nimbus.Core.Storage;

namespace Nimbus.Storage.Tests;

/// <summary>What every <see cref="IQueueStore"/> must do; each provider subclasses it over fresh storage per test.</summary>
public abstract class QueueStoreConformanceTests : IAsyncLifetime
{
    protected static readonly Scope Scope = new("111111111111", "us-east-1");
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private IQueueStore? _store;

    protected IQueueStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _store = await OpenAsync();

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task CreateQueueAsync_SameNameTwice_ReturnsTheFirstUnchanged()
    {
        var first = await Store.CreateQueueAsync(Queue("twice", ("VisibilityTimeout", "5")), Token);
        var second = await Store.CreateQueueAsync(Queue("twice", ("VisibilityTimeout", "9")), Token);
        var stored = await Store.GetQueueAsync(Scope, "twice", Token);

        Assert.True(first.Id > 0);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal("5", second.Attributes["VisibilityTimeout"]);
        Assert.NotNull(stored);
        Assert.Equal(first.Id, stored.Id);
        Assert.Equal("5", stored.Attributes["VisibilityTimeout"]);
        Assert.Equal("v", stored.Tags["k"]);
        Assert.Equal(Now, stored.CreatedAt);
        Assert.Null(await Store.GetQueueAsync(new Scope("111111111111", "eu-west-1"), "twice", Token));
    }

    [Fact]
    public async Task ListQueuesAsync_PrefixAfterAndLimit_PageInNameOrder()
    {
        foreach (var name in (string[])["b-2", "a-1", "b-1", "B-3", "b_x"])
        {
            await Store.CreateQueueAsync(Queue(name), Token);
        }

        var all = await Store.ListQueuesAsync(Scope, null, null, 10, Token);
        var prefixed = await Store.ListQueuesAsync(Scope, "b-", null, 10, Token);
        var page = await Store.ListQueuesAsync(Scope, "b", "b-1", 1, Token);

        Assert.Equal(["B-3", "a-1", "b-1", "b-2", "b_x"], all.Select(q => q.Name));
        Assert.Equal(["b-1", "b-2"], prefixed.Select(q => q.Name));
        Assert.Equal(["b-2"], page.Select(q => q.Name));
    }

    [Fact]
    public async Task UpdateAndDeleteQueueAsync_ReplaceAttributesThenRemoveQueueAndMessages()
    {
        var queue = await Store.CreateQueueAsync(Queue("changing"), Token);
        await Store.SendMessagesAsync(queue.Id, [Message("m")], Token);

        Assert.True(await Store.UpdateQueueAsync(queue with { Attributes = Attributes(("DelaySeconds", "7")), Tags = new Dictionary<string, string>() }, Token));
        var updated = await Store.GetQueueAsync(Scope, "changing", Token);
        Assert.True(await Store.DeleteQueueAsync(queue.Id, Token));

        Assert.Equal("7", updated!.Attributes["DelaySeconds"]);
        Assert.Empty(updated.Tags);
        Assert.Null(await Store.GetQueueAsync(Scope, "changing", Token));
        Assert.False(await Store.DeleteQueueAsync(queue.Id, Token));
        Assert.Equal(new QueueCounts(0, 0, 0), await Store.CountMessagesAsync(queue.Id, Now, Now.AddDays(-4), Token));
        Assert.False(await Store.UpdateQueueAsync(queue, Token));
    }

    [Fact]
    public async Task ReceiveMessagesAsync_AfterSend_RoundTripsEveryFieldAndHidesTheMessage()
    {
        var queue = await Store.CreateQueueAsync(Queue("fields"), Token);
        var attributes = new Dictionary<string, MessageAttributeValue>
        {
            ["s"] = new() { DataType = "String", StringValue = "héllo" },
            ["n"] = new() { DataType = "Number.int", StringValue = "42" },
            ["b"] = new() { DataType = "Binary", BinaryValue = [0, 1, 255] },
        };
        var message = Message("body ✓") with
        {
            MessageAttributes = attributes,
            Md5OfMessageAttributes = "md5-attributes",
            AwsTraceHeader = "Root=1-abc",
            MessageGroupId = "g",
            MessageDeduplicationId = "d",
        };

        var sent = await Store.SendMessagesAsync(queue.Id, [message], Token);
        var batch = await Store.ReceiveMessagesAsync(Query(queue, visibleFor: 30), Token);
        var again = await Store.ReceiveMessagesAsync(Query(queue, visibleFor: 30), Token);

        var received = Assert.Single(batch.Messages);
        Assert.Equal(sent[0].SequenceNumber, received.Sequence);
        Assert.False(sent[0].Duplicate);
        Assert.Equal(message.MessageId, received.MessageId);
        Assert.Equal("body ✓", received.Body);
        Assert.Equal(message.Md5OfBody, received.Md5OfBody);
        Assert.Equal("md5-attributes", received.Md5OfMessageAttributes);
        Assert.Equal(["b", "n", "s"], received.MessageAttributes!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(attributes["s"], received.MessageAttributes["s"]);
        Assert.Equal(attributes["n"], received.MessageAttributes["n"]);
        Assert.Equal([0, 1, 255], received.MessageAttributes["b"].BinaryValue);
        Assert.Equal(Now, received.SentAt);
        Assert.Equal("111111111111", received.SenderId);
        Assert.Equal("Root=1-abc", received.AwsTraceHeader);
        Assert.Equal("g", received.MessageGroupId);
        Assert.Equal("d", received.MessageDeduplicationId);
        Assert.Equal(1, received.ReceiveCount);
        Assert.Equal(Now, received.FirstReceivedAt);
        Assert.NotEqual(0, received.ReceiptToken);
        Assert.Empty(again.Messages);
        Assert.Equal(Now.AddSeconds(30), again.NextVisibleAt);
        Assert.Equal(new QueueCounts(0, 1, 0), await Store.CountMessagesAsync(queue.Id, Now, Now.AddDays(-4), Token));
    }

    [Fact]
    public async Task ReceiveMessagesAsync_VisibilityTimeoutPassed_DeliversAgainWithANewToken()
    {
        var queue = await Store.CreateQueueAsync(Queue("again"), Token);
        await Store.SendMessagesAsync(queue.Id, [Message("m")], Token);

        var first = (await Store.ReceiveMessagesAsync(Query(queue, visibleFor: 10), Token)).Messages[0];
        var second = (await Store.ReceiveMessagesAsync(Query(queue, visibleFor: 10, at: Now.AddSeconds(10)), Token)).Messages[0];

        Assert.Equal(2, second.ReceiveCount);
        Assert.Equal(Now, second.FirstReceivedAt);
        Assert.NotEqual(first.ReceiptToken, second.ReceiptToken);
    }

    [Fact]
    public async Task ReceiveMessagesAsync_Delayed_CountsAsDelayedUntilVisible()
    {
        var queue = await Store.CreateQueueAsync(Queue("delayed"), Token);
        await Store.SendMessagesAsync(queue.Id, [Message("later") with { VisibleAt = Now.AddSeconds(5) }, Message("now")], Token);

        var batch = await Store.ReceiveMessagesAsync(Query(queue, max: 10), Token);
        var counts = await Store.CountMessagesAsync(queue.Id, Now.AddMilliseconds(1), Now.AddDays(-4), Token);
        var later = await Store.ReceiveMessagesAsync(Query(queue, max: 10, at: Now.AddSeconds(5)), Token);

        Assert.Equal(["now"], batch.Messages.Select(m => m.Body));
        Assert.Equal(new QueueCounts(0, 1, 1), counts);
        Assert.Equal(["later"], later.Messages.Select(m => m.Body));
    }

    [Fact]
    public async Task ReceiveMessagesAsync_PastRetention_DeletesInsteadOfDelivering()
    {
        var queue = await Store.CreateQueueAsync(Queue("retained"), Token);
        await Store.SendMessagesAsync(queue.Id, [Message("old") with { SentAt = Now.AddSeconds(-61) }, Message("new")], Token);

        var counted = await Store.CountMessagesAsync(queue.Id, Now, Now.AddSeconds(-60), Token);
        var batch = await Store.ReceiveMessagesAsync(Query(queue, max: 10) with { RetainedSince = Now.AddSeconds(-60) }, Token);

        Assert.Equal(new QueueCounts(1, 0, 0), counted);
        Assert.Equal(["new"], batch.Messages.Select(m => m.Body));
        Assert.Equal(new QueueCounts(0, 1, 0), await Store.CountMessagesAsync(queue.Id, Now, Now.AddDays(-30), Token));
    }

    [Fact]
    public async Task DeleteExpiredAsync_RemovesOnlyMessagesPastTheirQueuesRetention()
    {
        var shortLived = await Store.CreateQueueAsync(Queue("short", ("MessageRetentionPeriod", "60")), Token);
        var longLived = await Store.CreateQueueAsync(Queue("long", ("MessageRetentionPeriod", "3600")), Token);
        await Store.SendMessagesAsync(shortLived.Id, [Message("old") with { SentAt = Now.AddSeconds(-61) }, Message("fresh")], Token);
        await Store.SendMessagesAsync(longLived.Id, [Message("kept") with { SentAt = Now.AddSeconds(-61) }], Token);

        var deleted = await Store.DeleteExpiredAsync(Now, 100, Token);

        Assert.Equal(1, deleted);
        Assert.Equal(new QueueCounts(1, 0, 0), await Store.CountMessagesAsync(shortLived.Id, Now, Now.AddDays(-30), Token));
        Assert.Equal(new QueueCounts(1, 0, 0), await Store.CountMessagesAsync(longLived.Id, Now, Now.AddDays(-30), Token));
    }

    [Fact]
    public async Task ReceiveMessagesAsync_ReceivedMaxReceiveCountTimes_MovesToTheDeadLetterQueue()
    {
        var source = await Store.CreateQueueAsync(Queue("source"), Token);
        var dead = await Store.CreateQueueAsync(Queue("dead"), Token);
        await Store.SendMessagesAsync(source.Id, [Message("poison")], Token);
        var query = Query(source, visibleFor: 0) with { DeadLetterQueueId = dead.Id, MaxReceiveCount = 2 };

        var first = await Store.ReceiveMessagesAsync(query, Token);
        var second = await Store.ReceiveMessagesAsync(query, Token);
        var third = await Store.ReceiveMessagesAsync(query, Token);
        var fromDead = await Store.ReceiveMessagesAsync(Query(dead), Token);

        Assert.Single(first.Messages);
        Assert.Single(second.Messages);
        Assert.Empty(third.Messages);
        Assert.Equal(1, third.MovedToDeadLetter);
        var moved = Assert.Single(fromDead.Messages);
        Assert.Equal("poison", moved.Body);
        Assert.Equal(1, moved.ReceiveCount);
    }

    [Fact]
    public async Task ReceiveMessagesAsync_Fifo_AGroupInFlightDeliversNothingMore()
    {
        var queue = await Store.CreateQueueAsync(Queue("order.fifo"), Token);
        await Store.SendMessagesAsync(queue.Id, [Grouped("a1", "A"), Grouped("a2", "A"), Grouped("b1", "B"), Grouped("b2", "B")], Token);
        var fifo = Query(queue, max: 1) with { Fifo = true };

        var first = await Store.ReceiveMessagesAsync(fifo, Token);
        var second = await Store.ReceiveMessagesAsync(fifo with { MaxMessages = 10 }, Token);
        var blocked = await Store.ReceiveMessagesAsync(fifo with { MaxMessages = 10 }, Token);
        var handle = new ReceiptHandle(queue.Id, first.Messages[0].Sequence, first.Messages[0].ReceiptToken);
        await Store.DeleteMessagesAsync([handle], Now, requireInFlight: true, Token);
        var next = await Store.ReceiveMessagesAsync(fifo with { MaxMessages = 10 }, Token);

        Assert.Equal(["a1"], first.Messages.Select(m => m.Body));
        Assert.Equal(["b1", "b2"], second.Messages.Select(m => m.Body));
        Assert.Empty(blocked.Messages);
        Assert.Equal(["a2"], next.Messages.Select(m => m.Body));
    }

    [Fact]
    public async Task SendMessagesAsync_SameDeduplicationKeyInWindow_AnswersTheFirstMessage()
    {
        var queue = await Store.CreateQueueAsync(Queue("dedup.fifo"), Token);
        var first = Grouped("one", "g") with { DeduplicationKey = "k", DeduplicationExpiresAt = Now.AddMinutes(5) };
        var duplicate = Grouped("one again", "g") with { DeduplicationKey = "k", DeduplicationExpiresAt = Now.AddMinutes(5) };
        var afterWindow = Grouped("later", "g") with { SentAt = Now.AddMinutes(5), DeduplicationKey = "k", DeduplicationExpiresAt = Now.AddMinutes(10) };

        var sent = await Store.SendMessagesAsync(queue.Id, [first, duplicate], Token);
        var later = await Store.SendMessagesAsync(queue.Id, [afterWindow], Token);

        Assert.False(sent[0].Duplicate);
        Assert.True(sent[1].Duplicate);
        Assert.Equal(sent[0], sent[1] with { Duplicate = false });
        Assert.False(later[0].Duplicate);
        Assert.True(later[0].SequenceNumber > sent[0].SequenceNumber);
        Assert.Equal(new QueueCounts(2, 0, 0), await Store.CountMessagesAsync(queue.Id, Now.AddMinutes(5), Now.AddDays(-4), Token));
    }

    [Fact]
    public async Task DeleteMessagesAsync_LatestStaleGoneAndExpiredHandles_AreTold()
    {
        var queue = await Store.CreateQueueAsync(Queue("deletes"), Token);
        await Store.SendMessagesAsync(queue.Id, [Message("a"), Message("b")], Token);
        var old = (await Store.ReceiveMessagesAsync(Query(queue, max: 10, visibleFor: 0), Token)).Messages;
        var latest = (await Store.ReceiveMessagesAsync(Query(queue, max: 10, visibleFor: 30), Token)).Messages;
        ReceiptHandle Handle(QueueMessage m) => new(queue.Id, m.Sequence, m.ReceiptToken);

        var stale = await Store.DeleteMessagesAsync([Handle(old[0])], Now, requireInFlight: false, Token);
        var deleted = await Store.DeleteMessagesAsync([Handle(latest[0]), Handle(latest[0])], Now, requireInFlight: false, Token);
        var expired = await Store.DeleteMessagesAsync([Handle(latest[1])], Now.AddSeconds(30), requireInFlight: true, Token);
        var anyway = await Store.DeleteMessagesAsync([Handle(latest[1])], Now.AddSeconds(30), requireInFlight: false, Token);

        Assert.Equal([ReceiptOutcome.Stale], stale);
        Assert.Equal([ReceiptOutcome.Done, ReceiptOutcome.Gone], deleted);
        Assert.Equal([ReceiptOutcome.NotInFlight], expired);
        Assert.Equal([ReceiptOutcome.Done], anyway);
        Assert.Equal(new QueueCounts(0, 0, 0), await Store.CountMessagesAsync(queue.Id, Now, Now.AddDays(-4), Token));
    }

    [Fact]
    public async Task ChangeVisibilityAsync_LatestHandle_MovesVisibility()
    {
        var queue = await Store.CreateQueueAsync(Queue("visibility"), Token);
        await Store.SendMessagesAsync(queue.Id, [Message("m")], Token);
        var old = (await Store.ReceiveMessagesAsync(Query(queue, visibleFor: 0), Token)).Messages[0];
        var latest = (await Store.ReceiveMessagesAsync(Query(queue, visibleFor: 30), Token)).Messages[0];

        var outcomes = await Store.ChangeVisibilityAsync(
            [(new ReceiptHandle(queue.Id, old.Sequence, old.ReceiptToken), Now), (new ReceiptHandle(queue.Id, latest.Sequence, latest.ReceiptToken), Now)],
            Now,
            Token);
        var visible = await Store.ReceiveMessagesAsync(Query(queue, visibleFor: 5), Token);
        var late = await Store.ChangeVisibilityAsync(
            [(new ReceiptHandle(queue.Id, visible.Messages[0].Sequence, visible.Messages[0].ReceiptToken), Now.AddSeconds(60))], Now.AddSeconds(5), Token);

        Assert.Equal([ReceiptOutcome.Stale, ReceiptOutcome.Done], outcomes);
        Assert.Single(visible.Messages);
        Assert.Equal([ReceiptOutcome.NotInFlight], late);
    }

    [Fact]
    public async Task PurgeQueueAsync_DeletesOnlyThatQueuesMessages()
    {
        var purged = await Store.CreateQueueAsync(Queue("purged"), Token);
        var kept = await Store.CreateQueueAsync(Queue("kept"), Token);
        await Store.SendMessagesAsync(purged.Id, [Message("1"), Message("2")], Token);
        await Store.SendMessagesAsync(kept.Id, [Message("3")], Token);

        Assert.Equal(2, await Store.PurgeQueueAsync(purged.Id, Token));
        Assert.Equal(new QueueCounts(0, 0, 0), await Store.CountMessagesAsync(purged.Id, Now, Now.AddDays(-4), Token));
        Assert.Equal(new QueueCounts(1, 0, 0), await Store.CountMessagesAsync(kept.Id, Now, Now.AddDays(-4), Token));
    }

    [Fact]
    public async Task SendMessagesAsync_Reopened_MessagesAndVisibilitySurvive()
    {
        var queue = await Store.CreateQueueAsync(Queue("durable"), Token);
        await Store.SendMessagesAsync(queue.Id, [Message("in flight"), Message("waiting")], Token);
        await Store.ReceiveMessagesAsync(Query(queue, visibleFor: 60) with { MaxMessages = 1 }, Token);

        await CloseAsync();
        _store = await OpenAsync();
        var now = await Store.ReceiveMessagesAsync(Query(queue, max: 10, visibleFor: 120), Token);
        var later = await Store.ReceiveMessagesAsync(Query(queue, max: 10, at: Now.AddSeconds(60)), Token);

        Assert.Equal(["waiting"], now.Messages.Select(m => m.Body));
        Assert.Equal(["in flight"], later.Messages.Select(m => m.Body));
        Assert.Equal(2, later.Messages[0].ReceiveCount);
    }

    /// <summary>Opens (and migrates) a store over the test's storage; called again after <see cref="CloseAsync"/> to reopen it.</summary>
    protected abstract Task<IQueueStore> OpenAsync();

    /// <summary>Closes the open store (its storage stays until the test ends).</summary>
    protected abstract ValueTask CloseAsync();

    /// <summary>Removes the test's storage.</summary>
    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    private static QueueRecord Queue(string name, params (string Name, string Value)[] attributes) => new()
    {
        Scope = Scope,
        Name = name,
        Attributes = Attributes(attributes),
        Tags = new Dictionary<string, string> { ["k"] = "v" },
        CreatedAt = Now,
        LastModifiedAt = Now,
    };

    private static Dictionary<string, string> Attributes(params (string Name, string Value)[] attributes) =>
        attributes.ToDictionary(a => a.Name, a => a.Value);

    private static NewQueueMessage Message(string body) => new()
    {
        MessageId = Guid.NewGuid().ToString(),
        Body = body,
        Md5OfBody = QueueMd5.OfBody(body),
        SentAt = Now,
        VisibleAt = Now,
        SenderId = Scope.Account,
    };

    private static NewQueueMessage Grouped(string body, string group) => Message(body) with { MessageGroupId = group };

    private static ReceiveQuery Query(QueueRecord queue, int max = 1, int visibleFor = 30, DateTimeOffset? at = null) => new()
    {
        QueueId = queue.Id,
        Fifo = false,
        MaxMessages = max,
        Now = at ?? Now,
        VisibleUntil = (at ?? Now).AddSeconds(visibleFor),
        RetainedSince = Now.AddDays(-4),
    };
}
