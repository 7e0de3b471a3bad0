// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests.Functions;

public sealed class FunctionServiceConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PutConcurrencyAsync_Function_StoredReportedAndTakenFromTheUnreservedPool()
    {
        var harness = new ServiceHarness();
        await harness.CreateActiveAsync("f");

        var reserved = await harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f", 25, Ct);
        var settings = await harness.Service.GetAccountSettingsAsync(TestValues.Scope, Ct);

        Assert.Equal(25, reserved);
        Assert.Equal(25, await harness.Concurrency.GetConcurrencyAsync(TestValues.Scope, TestValues.Arn("f"), Ct));
        Assert.Equal(25, harness.Concurrency.Reservations.Find(TestValues.Scope, "f"));
        Assert.Equal(1000, settings.ConcurrentExecutions);
        Assert.Equal(975, settings.UnreservedConcurrentExecutions);
    }

    [Fact]
    public async Task PutConcurrencyAsync_LeavesLessThan100Unreserved_AwsMessage()
    {
        var harness = new ServiceHarness();
        await harness.CreateActiveAsync("a");
        await harness.CreateActiveAsync("b");
        await harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "a", 500, Ct);

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
            () => harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "b", 401, Ct));
        await harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "b", 400, Ct);

        Assert.Equal(100, (await harness.Service.GetAccountSettingsAsync(TestValues.Scope, Ct)).UnreservedConcurrentExecutions);
    }

    [Theory]
    [InlineData(10, 1, "[10]")]
    [InlineData(50, 1, "[50]")]
    [InlineData(101, 2, "[100]")]
    public async Task PutConcurrencyAsync_SmallAccount_KeepsItsWholeLimitUnreserved(int limit, int reserved, string minimum)
    {
        var harness = new ServiceHarness(new FunctionServiceOptions { ConcurrentExecutions = limit });
        await harness.CreateActiveAsync("f");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.InvalidParameterValueType,
            400,
            $"Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of {minimum}.",
            () => harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f", reserved, Ct));
        await harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f", reserved - 1, Ct);
    }

    [Fact]
    public async Task PutConcurrencyAsync_NullOrNegative_ValidationException()
    {
        var harness = new ServiceHarness();
        await harness.CreateActiveAsync("f");

        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null",
            () => harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f", null, Ct));
        await LambdaAssert.ThrowsAsync(
            LambdaErrors.ValidationType,
            400,
            "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0",
            () => harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f", -1, Ct));
    }

    [Fact]
    public async Task ConcurrencyOperations_MissingFunction_ResourceNotFound()
    {
        var harness = new ServiceHarness();
        var message = $"Function not found: {TestValues.Arn("missing")}";

        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, message, () => harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "missing", 1, Ct));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, message, () => harness.Concurrency.GetConcurrencyAsync(TestValues.Scope, "missing", Ct));
        await LambdaAssert.ThrowsAsync(LambdaErrors.ResourceNotFoundType, 404, message, () => harness.Concurrency.DeleteConcurrencyAsync(TestValues.Scope, "missing", Ct));
    }

    [Fact]
    public async Task PutConcurrencyAsync_QualifiedName_InvalidParameter()
    {
        var harness = new ServiceHarness();
        await harness.CreateActiveAsync("f");

        var error = await Assert.ThrowsAsync<LambdaException>(() => harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f:1", 1, Ct));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, error.ErrorType);
    }

    [Fact]
    public async Task DeleteConcurrencyAsync_BackToTheUnreservedPool_AndNoOpWithoutReservation()
    {
        var harness = new ServiceHarness();
        await harness.CreateActiveAsync("f");
        await harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f", 10, Ct);
        var changes = new List<(Scope, string)>();
        harness.Concurrency.Reservations.Changed += (scope, name) => changes.Add((scope, name));

        await harness.Concurrency.DeleteConcurrencyAsync(TestValues.Scope, "f", Ct);
        await harness.Concurrency.DeleteConcurrencyAsync(TestValues.Scope, "f", Ct);

        Assert.Null(await harness.Concurrency.GetConcurrencyAsync(TestValues.Scope, "f", Ct));
        Assert.Null(harness.Concurrency.Reservations.Find(TestValues.Scope, "f"));
        Assert.Equal([(TestValues.Scope, "f")], changes);
        Assert.Equal(1000, (await harness.Service.GetAccountSettingsAsync(TestValues.Scope, Ct)).UnreservedConcurrentExecutions);
    }

    [Fact]
    public async Task DeleteAsync_Function_ItsReservationGoesWithIt()
    {
        var harness = new ServiceHarness();
        await harness.CreateActiveAsync("f");
        await harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f", 10, Ct);

        await harness.Service.DeleteAsync(TestValues.Scope, "f", null, Ct);
        await harness.CreateActiveAsync("f");

        Assert.Null(harness.Concurrency.Reservations.Find(TestValues.Scope, "f"));
        Assert.Null(await harness.Concurrency.GetConcurrencyAsync(TestValues.Scope, "f", Ct));
        Assert.Equal(1000, (await harness.Service.GetAccountSettingsAsync(TestValues.Scope, Ct)).UnreservedConcurrentExecutions);
    }

    [Fact]
    public async Task LoadReservationsAsync_AfterRestart_RestoresTheInMemoryView()
    {
        var harness = new ServiceHarness();
        await harness.CreateActiveAsync("f");
        await harness.Concurrency.PutConcurrencyAsync(TestValues.Scope, "f", 3, Ct);
        var restarted = new ConcurrencyService(harness.Store, harness.Store, harness.Store, harness.Resolver, harness.Time, new FunctionServiceOptions());

        await restarted.LoadReservationsAsync(Ct);

        Assert.Equal(3, restarted.Reservations.Find(TestValues.Scope, "f"));
        Assert.Equal(3, restarted.Reservations.TotalReserved(TestValues.Scope));
        Assert.Equal(0, restarted.Reservations.TotalReserved(TestValues.OtherRegion));
        restarted.Dispose();
    }

    [Theory]
    [InlineData(1000, 100, 900)]
    [InlineData(100, 100, 0)]
    [InlineData(10, 10, 0)]
    [InlineData(1, 1, 0)]
    public void ConcurrencyRules_MinimumUnreserved_IsTheSmallerOf100AndTheLimit(int limit, int minimum, int maxReserved)
    {
        Assert.Equal(minimum, ConcurrencyRules.MinimumUnreservedFor(limit));
        Assert.Equal(maxReserved, ConcurrencyRules.MaxTotalReserved(limit));
    }

    [Fact]
    public void TooManyRequests_CarriesReasonAndRetryAfter()
    {
        var error = LambdaErrors.TooManyRequests("FunctionInvocationRateLimitExceeded", 3);

        Assert.Equal("TooManyRequestsException", error.ErrorType);
        Assert.Equal(429, error.StatusCode);
        Assert.Equal("Rate Exceeded.", error.Message);
        Assert.Equal("FunctionInvocationRateLimitExceeded", error.Fields!["Reason"]);
        Assert.Equal("3", error.Headers!["Retry-After"]);
        Assert.Null(LambdaErrors.TooManyRequests("ConcurrentInvocationLimitExceeded", null).Headers);
    }
}
