// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Events.Tests.Support;

namespace Nimbus.Events.Tests.Async;

public sealed class AsyncInvocationWorkerTests
{
    private const string FailureQueue = "arn:aws:sqs:us-east-1:000000000000:failures";
    private const string DeadLetterQueue = "arn:aws:sqs:us-east-1:000000000000:dead-letters";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What a Python function that raised RuntimeError gives: the runtime's header normalized, the body its own.</summary>
    private const string RuntimeErrorBody = """{"errorMessage":"boom","errorType":"RuntimeError","requestId":"","stackTrace":[]}""";

    [Fact]
    public async Task Deliver_RetriesExhausted_WarningNamesTheFunctionsErrorType()
    {
        await using var harness = await AsyncWorkerHarness.StartAsync(options => options.MaximumRetryAttempts = 0);
        await harness.CreateFunctionAsync("fails");
        harness.Invoker.Answer = (_, _) => Task.FromResult(FakeInvocationService.FunctionError(RuntimeErrorBody, "Runtime.Unknown"));
        await harness.Worker.StartAsync(Ct);

        var requestId = await harness.EnqueueAsync("fails", """{"n":1}""");
        var warning = await harness.Logger.WaitForAsync(LogLevel.Warning, "Dropped asynchronous invocation", Ct);

        Assert.Equal($"Dropped asynchronous invocation {requestId} of fails: RetriesExhausted after 1 attempts (RuntimeError)", warning);
        Assert.Single(harness.Invoker.Calls);
    }

    [Fact]
    public async Task Deliver_OlderThanMaximumEventAge_DroppedToDestinationAndDeadLetterQueueWithoutRunning()
    {
        await using var harness = await AsyncWorkerHarness.StartAsync();
        await harness.CreateFunctionAsync("slow", DeadLetterQueue);
        await harness.InvokeConfigs.PutEventInvokeConfigAsync(
            AsyncWorkerHarness.Scope, "slow", null, new EventInvokeConfigChange { MaximumEventAgeInSeconds = 60, HasDestinationConfig = true, OnFailure = FailureQueue }, Ct);
        var requestId = await harness.EnqueueAsync("slow", """{"order":7}""");

        // The event waits in the queue (the server was down) past its maximum age.
        harness.Time.Advance(TimeSpan.FromSeconds(61));
        await harness.Worker.StartAsync(Ct);
        var warning = await harness.Logger.WaitForAsync(LogLevel.Warning, "Dropped asynchronous invocation", Ct);
        await WaitUntilQueueEmptyAsync(harness);

        Assert.Equal($"Dropped asynchronous invocation {requestId} of slow: EventAgeExceeded", warning);
        Assert.Empty(harness.Invoker.Calls);
        var sent = harness.Destinations.Messages.ToList();
        Assert.Equal([FailureQueue, DeadLetterQueue], sent.Select(m => m.QueueArn));
        using var record = JsonDocument.Parse(sent[0].Body);
        Assert.Equal("EventAgeExceeded", record.RootElement.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(0, record.RootElement.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal("""{"order":7}""", sent[1].Body);
        Assert.Equal(requestId.Value, sent[1].Attributes["RequestID"].Value);
        Assert.Empty(await harness.Queue.ListDueAsync(DateTimeOffset.MaxValue, 10, Ct));
    }

    [Fact]
    public async Task Deliver_YoungerThanMaximumEventAge_Runs()
    {
        await using var harness = await AsyncWorkerHarness.StartAsync();
        await harness.CreateFunctionAsync("on-time", DeadLetterQueue);
        await harness.InvokeConfigs.PutEventInvokeConfigAsync(
            AsyncWorkerHarness.Scope, "on-time", null, new EventInvokeConfigChange { MaximumEventAgeInSeconds = 60 }, Ct);
        var requestId = await harness.EnqueueAsync("on-time", """{"order":8}""");

        harness.Time.Advance(TimeSpan.FromSeconds(59));
        await harness.Worker.StartAsync(Ct);
        await WaitUntilQueueEmptyAsync(harness);

        var call = Assert.Single(harness.Invoker.Calls);
        Assert.Equal((requestId, """{"order":8}"""), (call.RequestId, call.Payload));
        Assert.Empty(harness.Destinations.Messages);
    }

    [Fact]
    public async Task Deliver_Throttled_StaysQueuedWithoutUsingAnAttemptAndRunsWhenItsWaitIsOver()
    {
        await using var harness = await AsyncWorkerHarness.StartAsync(options => options.MaximumRetryAttempts = 0);
        await harness.CreateFunctionAsync("busy");
        var throttled = 0;
        harness.Invoker.Answer = (call, _) => Task.FromResult(
            Interlocked.Increment(ref throttled) == 1
                ? Execution.Invocation.InvocationOutcome.Throttled(new(Execution.Concurrency.ThrottleReason.AccountConcurrency, null))
                : FakeInvocationService.Success(call.Payload));
        await harness.Worker.StartAsync(Ct);

        await harness.EnqueueAsync("busy", "{}");
        await harness.Logger.WaitForAsync(LogLevel.Debug, "throttled (AccountConcurrency)", Ct);

        // The first deferral is 1 s (or less, when the gate reports capacity back at once).
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilQueueEmptyAsync(harness);

        Assert.Equal(2, harness.Invoker.Calls.Count);
        Assert.DoesNotContain(harness.Logger.Entries, e => e.Message.StartsWith("Dropped", StringComparison.Ordinal));
    }

    /// <summary>Polls the durable queue until it is empty (a fail-safe bounds it; no fixed sleep).</summary>
    private static async Task WaitUntilQueueEmptyAsync(AsyncWorkerHarness harness)
    {
        using var failSafe = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        failSafe.CancelAfter(TimeSpan.FromSeconds(30));
        while ((await harness.Queue.ListDueAsync(DateTimeOffset.MaxValue, 1, failSafe.Token)).Count > 0)
        {
            await Task.Delay(10, failSafe.Token);
        }
    }
}
