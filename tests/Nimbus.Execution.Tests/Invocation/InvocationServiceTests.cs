// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Extensions.Options;
using Nimbus.Core.Functions;
using Nimbus.Execution.Concurrency;
using Nimbus.Execution.Invocation;
using Nimbus.Execution.Tests.Fakes;

namespace Nimbus.Execution.Tests.Invocation;

public sealed class InvocationServiceTests
{
    private static ResolvedFunction Target(InvokerHarness harness) => new()
    {
        Scope = TestFunctions.Scope,
        Function = new FunctionRecord { Scope = TestFunctions.Scope, Latest = harness.Function },
        Version = harness.Function,
        InvokedFunctionArn = TestFunctions.Scope.FunctionArn(harness.Function.Name),
    };

    private static Task<InvocationOutcome> InvokeAsync(InvokerHarness harness, RequestId requestId) =>
        new InvocationService(harness.Invoker, Options.Create(new ExecutionOptions()), TimeProvider.System).InvokeAsync(
            Target(harness), requestId, Encoding.UTF8.GetBytes("""{"n":1}"""), InvocationType.RequestResponse, null, null, TestContext.Current.CancellationToken);

    [Fact]
    public async Task InvokeAsync_FunctionReturns_SuccessWithTheRequestIdGiven()
    {
        await using var harness = await InvokerHarness.StartAsync();
        var requestId = new RequestId("8f5a6b2c-0000-4000-8000-000000000001");

        var outcome = await InvokeAsync(harness, requestId);

        Assert.Equal(InvocationOutcomeKind.Success, outcome.Kind);
        Assert.True(outcome.Ran);
        Assert.Equal("""{"n":1}""", Encoding.UTF8.GetString(outcome.Result.Payload.Span));
        Assert.Equal($"START RequestId: {requestId.Value} Version: $LATEST", outcome.Result.LogLines[0]);
    }

    [Fact]
    public async Task InvokeAsync_FunctionRaises_FunctionErrorWithItsType()
    {
        var script = new FakeInitScript
        {
            OnInvoke = (sandbox, invoke, ct) => sandbox.SendErrorAsync(
                FakeInitScript.RequestId(invoke), "RuntimeError", """{"errorMessage":"boom","errorType":"RuntimeError"}""", ct),
        };
        await using var harness = await InvokerHarness.StartAsync(script);

        var outcome = await InvokeAsync(harness, RequestId.New());

        Assert.Equal(InvocationOutcomeKind.FunctionError, outcome.Kind);
        Assert.Equal("RuntimeError", outcome.Result?.ErrorType);
    }

    [Fact]
    public async Task InvokeAsync_ReservedZero_ThrottledWithAwsReasonAndNothingStarted()
    {
        await using var harness = await InvokerHarness.StartAsync();
        harness.Reservations.Set(TestFunctions.Scope, harness.Function.Name, 0);

        var outcome = await InvokeAsync(harness, RequestId.New());

        Assert.Equal(InvocationOutcomeKind.Throttled, outcome.Kind);
        Assert.False(outcome.Ran);
        Assert.Equal(ThrottleReason.ReservedConcurrency, outcome.Throttle.Reason);
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", outcome.Throttle.AwsReason);
        Assert.Empty(harness.Sandboxes.Sandboxes);
    }
}
