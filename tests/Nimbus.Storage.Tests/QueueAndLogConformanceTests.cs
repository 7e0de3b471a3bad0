// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests;

/// <summary>The async invocation queue and the log store, on a store that implements them (SQLite).</summary>
public abstract partial class QueueAndLogConformanceTests : StateStoreConformanceTests
{
    private IAsyncInvocationStore Queue => Store.AsyncInvocations ?? throw new InvalidOperationException("This provider has no async invocation store.");

    private ILogStore Logs => Store.Logs ?? throw new InvalidOperationException("This provider has no log store.");

    [Fact]
    public async Task ListDueAsync_AfterEnqueue_ReturnsEveryFieldInDueOrder()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var later = Invocation("later", now.AddSeconds(5));
        var first = Invocation("first", now) with { Qualifier = "$LATEST", ClientContext = "{\"a\":1}", TraceId = "Root=1-x", Attempts = 1 };
        await Queue.EnqueueAsync(later, Token);
        await Queue.EnqueueAsync(first, Token);

        var due = await Queue.ListDueAsync(now, 10, Token);
        var all = await Queue.ListDueAsync(DateTimeOffset.MaxValue, 10, Token);

        var only = Assert.Single(due);
        Assert.Equal(first with { Payload = only.Payload }, only);
        Assert.Equal(first.Payload, only.Payload);
        Assert.Equal(["first", "later"], all.Select(i => i.RequestId));
    }

    [Fact]
    public async Task RescheduleAsync_MovesTheAttemptLater()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await Queue.EnqueueAsync(Invocation("one", now), Token);

        await Queue.RescheduleAsync("one", 2, now.AddMinutes(1), Token);

        Assert.Empty(await Queue.ListDueAsync(now, 10, Token));
        var moved = Assert.Single(await Queue.ListDueAsync(now.AddMinutes(1), 10, Token));
        Assert.Equal(2, moved.Attempts);
    }

    [Fact]
    public async Task CompleteAsync_RemovesOnlyThatInvocation()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await Queue.EnqueueAsync(Invocation("a", now), Token);
        await Queue.EnqueueAsync(Invocation("b", now), Token);

        await Queue.CompleteAsync("a", Token);

        Assert.Equal("b", Assert.Single(await Queue.ListDueAsync(now, 10, Token)).RequestId);
    }

    [Fact]
    public async Task ReadAsync_AfterAppend_ReturnsLinesInOrderPerStream()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        await Logs.AppendAsync(
            [
                new LogBatch(ScopeA, "/aws/lambda/f", "s1", [new LogEvent(at, "START"), new LogEvent(at, "hello")]),
                new LogBatch(ScopeA, "/aws/lambda/f", "s2", [new LogEvent(at, "other stream")]),
                new LogBatch(ScopeB, "/aws/lambda/f", "s1", [new LogEvent(at, "other scope")]),
            ],
            Token);
        await Logs.AppendAsync([new LogBatch(ScopeA, "/aws/lambda/f", "s1", [new LogEvent(at, "END")])], Token);

        var stream = await Logs.ReadAsync(ScopeA, "/aws/lambda/f", "s1", 100, Token);
        var group = await Logs.ReadAsync(ScopeA, "/aws/lambda/f", null, 100, Token);

        Assert.Equal(["START", "hello", "END"], stream.Select(e => e.Message));
        Assert.Equal(at, stream[0].Timestamp);
        Assert.Equal(4, group.Count);
    }

    private static AsyncInvocation Invocation(string id, DateTimeOffset due) => new()
    {
        RequestId = id,
        Scope = ScopeA,
        FunctionName = "fn",
        Payload = [1, 2, 3],
        EnqueuedAt = due,
        NextAttemptAt = due,
    };
}
