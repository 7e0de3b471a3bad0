// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Events.Tests.Async;

/// <summary>Destinations and dead-letter queues are delivered to as the function's execution role.</summary>
public sealed class DestinationRoleTests
{
    private const string FailureQueue = "arn:aws:sqs:us-east-1:000000000000:failures";
    private const string DeadLetterQueue = "arn:aws:sqs:us-east-1:000000000000:dead-letters";
    private const string FailureFunction = "arn:aws:lambda:us-east-1:000000000000:function:on-failure";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deliver_RoleMaySendToTheDeadLetterQueueOnly_FailureRecordRefusedAsTheRole()
    {
        var identities = new FakeIdentities();
        identities.AddRole("000000000000", "r", FakeIdentities.TrustsLambda, FakeIdentities.Allow(DeadLetterQueue, "sqs:SendMessage"));
        await using var harness = await AsyncWorkerHarness.StartAsync(identities: identities);
        await harness.CreateFunctionAsync("slow", DeadLetterQueue);
        await harness.InvokeConfigs.PutEventInvokeConfigAsync(
            AsyncWorkerHarness.Scope, "slow", null, new EventInvokeConfigChange { MaximumEventAgeInSeconds = 60, HasDestinationConfig = true, OnFailure = FailureQueue }, Ct);
        var requestId = await harness.EnqueueAsync("slow", """{"order":7}""");
        harness.Time.Advance(TimeSpan.FromSeconds(61));

        await harness.Worker.StartAsync(Ct);
        var refused = await harness.Logger.WaitForAsync(LogLevel.Warning, FailureQueue, Ct);
        await WaitUntilQueueEmptyAsync(harness);

        Assert.Contains(
            $"User: arn:aws:sts::000000000000:assumed-role/r/slow is not authorized to perform: sqs:SendMessage on resource: {FailureQueue} because no identity-based policy allows the sqs:SendMessage action",
            refused,
            StringComparison.Ordinal);
        var sent = Assert.Single(harness.Destinations.Messages);
        Assert.Equal(DeadLetterQueue, sent.QueueArn);
        Assert.Equal(requestId.Value, sent.Attributes["RequestID"].Value);
    }

    [Fact]
    public async Task Deliver_RoleMayNotInvokeTheFailureFunction_NothingQueuedForIt()
    {
        var identities = new FakeIdentities();
        identities.AddRole("000000000000", "r", FakeIdentities.TrustsLambda, FakeIdentities.Allow("arn:aws:lambda:us-east-1:000000000000:function:other", "lambda:InvokeFunction"));
        await using var harness = await AsyncWorkerHarness.StartAsync(identities: identities);
        await harness.CreateFunctionAsync("slow");
        await harness.CreateFunctionAsync("on-failure");
        await harness.InvokeConfigs.PutEventInvokeConfigAsync(
            AsyncWorkerHarness.Scope, "slow", null, new EventInvokeConfigChange { MaximumEventAgeInSeconds = 60, HasDestinationConfig = true, OnFailure = FailureFunction }, Ct);
        await harness.EnqueueAsync("slow", "{}");
        harness.Time.Advance(TimeSpan.FromSeconds(61));

        await harness.Worker.StartAsync(Ct);
        var refused = await harness.Logger.WaitForAsync(LogLevel.Warning, FailureFunction, Ct);

        Assert.Contains("is not authorized to perform: lambda:InvokeFunction on resource: " + FailureFunction, refused, StringComparison.Ordinal);
        Assert.Empty(harness.Invoker.Calls);
        await WaitUntilQueueEmptyAsync(harness);

        Assert.Empty(harness.Invoker.Calls);
    }

    /// <summary>Polls the durable queue until it is empty: the event and everything it led to are settled (a fail-safe bounds it).</summary>
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
