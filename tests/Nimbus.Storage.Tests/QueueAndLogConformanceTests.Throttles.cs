// SPDX-License-Identifier: Apache-2.0
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests;

/// <summary>Deferring and resuming a throttled function's queued events.</summary>
public abstract partial class QueueAndLogConformanceTests
{
    [Fact]
    public async Task DeferFunctionAsync_MovesOnlyTheFunctionsDueEventsAndKeepsAttempts()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await Queue.EnqueueAsync(Invocation("due", now) with { Attempts = 1 }, Token);
        await Queue.EnqueueAsync(Invocation("retry-later", now.AddMinutes(1)), Token);
        await Queue.EnqueueAsync(Invocation("other", now) with { FunctionName = "other" }, Token);
        await Queue.EnqueueAsync(Invocation("other-scope", now) with { Scope = ScopeB }, Token);

        var moved = await Queue.DeferFunctionAsync(ScopeA, "fn", now, now.AddSeconds(2), Token);

        Assert.Equal(1, moved);
        Assert.Equal(["other", "other-scope"], (await Queue.ListDueAsync(now, 10, Token)).Select(i => i.RequestId).Order(StringComparer.Ordinal));
        var all = await Queue.ListDueAsync(DateTimeOffset.MaxValue, 10, Token);
        var deferred = Assert.Single(all, i => i.RequestId == "due");
        Assert.Equal(now.AddSeconds(2), deferred.NextAttemptAt);
        Assert.Equal(1, deferred.Attempts);
        Assert.Equal(now.AddMinutes(1), Assert.Single(all, i => i.RequestId == "retry-later").NextAttemptAt);
    }

    [Fact]
    public async Task ResumeFunctionAsync_MakesTheDeferredWindowDueNow()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await Queue.EnqueueAsync(Invocation("a", now), Token);
        await Queue.EnqueueAsync(Invocation("b", now), Token);
        await Queue.EnqueueAsync(Invocation("retry-later", now.AddMinutes(2)), Token);
        await Queue.DeferFunctionAsync(ScopeA, "fn", now, now.AddSeconds(1), Token);
        await Queue.EnqueueAsync(Invocation("c", now), Token);
        await Queue.DeferFunctionAsync(ScopeA, "fn", now, now.AddSeconds(4), Token);

        var moved = await Queue.ResumeFunctionAsync(ScopeA, "fn", now.AddSeconds(1), now.AddSeconds(4), now, Token);

        Assert.Equal(3, moved);
        Assert.Equal(["a", "b", "c"], (await Queue.ListDueAsync(now, 10, Token)).Select(i => i.RequestId).Order(StringComparer.Ordinal));
    }
}
