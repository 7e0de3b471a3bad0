// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;
using static Nimbus.Storage.Tests.TestFunctions;

namespace Nimbus.Storage.Tests;

/// <summary>Reserved concurrency: what every store must do.</summary>
public abstract partial class StateStoreConformanceTests
{
    [Fact]
    public async Task TryReserveConcurrencyAsync_Function_StoresAndReplaces()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f"), Token);

        Assert.Null(await Store.Concurrency.GetReservedConcurrencyAsync(ScopeA, "f", Token));
        Assert.Equal(ReservationOutcome.Reserved, await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "f", 5, 900, Token));
        Assert.Equal(5, await Store.Concurrency.GetReservedConcurrencyAsync(ScopeA, "f", Token));
        Assert.Equal(ReservationOutcome.Reserved, await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "f", 0, 900, Token));
        Assert.Equal(0, await Store.Concurrency.GetReservedConcurrencyAsync(ScopeA, "f", Token));
        Assert.Equal(0, await Store.Concurrency.GetTotalReservedConcurrencyAsync(ScopeA, Token));
    }

    [Fact]
    public async Task TryReserveConcurrencyAsync_MissingFunction_NotFoundAndNothingStored()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "f"), Token);

        Assert.Equal(ReservationOutcome.FunctionNotFound, await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "f", 1, 900, Token));
        Assert.Equal(0, await Store.Concurrency.GetTotalReservedConcurrencyAsync(ScopeA, Token));
    }

    [Fact]
    public async Task TryReserveConcurrencyAsync_OverTheScopesMaximum_RefusedAndUnchanged()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "a"), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "b"), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "c"), Token);
        await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "a", 600, 900, Token);
        await Store.Concurrency.TryReserveConcurrencyAsync(ScopeB, "c", 900, 900, Token);

        Assert.Equal(ReservationOutcome.ExceedsAccountLimit, await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "b", 301, 900, Token));
        Assert.Null(await Store.Concurrency.GetReservedConcurrencyAsync(ScopeA, "b", Token));
        Assert.Equal(ReservationOutcome.Reserved, await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "b", 300, 900, Token));
        Assert.Equal(ReservationOutcome.Reserved, await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "a", 600, 900, Token)); // replaces its own
        Assert.Equal(900, await Store.Concurrency.GetTotalReservedConcurrencyAsync(ScopeA, Token));
        Assert.Equal(900, await Store.Concurrency.GetTotalReservedConcurrencyAsync(ScopeB, Token));
    }

    [Fact]
    public async Task DeleteReservedConcurrencyAsync_RemovesIt_FalseOnlyWithoutTheFunction()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f"), Token);
        await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "f", 4, 900, Token);

        Assert.True(await Store.Concurrency.DeleteReservedConcurrencyAsync(ScopeA, "f", Token));
        Assert.True(await Store.Concurrency.DeleteReservedConcurrencyAsync(ScopeA, "f", Token));
        Assert.False(await Store.Concurrency.DeleteReservedConcurrencyAsync(ScopeA, "missing", Token));
        Assert.Null(await Store.Concurrency.GetReservedConcurrencyAsync(ScopeA, "f", Token));
    }

    [Fact]
    public async Task DeleteFunctionAsync_RemovesTheReservationWithTheFunction()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f"), Token);
        await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "f", 7, 900, Token);

        await Store.Functions.DeleteFunctionAsync(ScopeA, "f", Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "f"), Token);

        Assert.Null(await Store.Concurrency.GetReservedConcurrencyAsync(ScopeA, "f", Token));
        Assert.Equal(0, await Store.Concurrency.GetTotalReservedConcurrencyAsync(ScopeA, Token));
        Assert.Empty(await Store.Concurrency.ListReservedConcurrencyAsync(Token));
    }

    [Fact]
    public async Task ListReservedConcurrencyAsync_EveryScope()
    {
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeA, "a"), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "b"), Token);
        await Store.Functions.TryCreateFunctionAsync(Create(ScopeB, "none"), Token);
        await Store.Concurrency.TryReserveConcurrencyAsync(ScopeA, "a", 1, 900, Token);
        await Store.Concurrency.TryReserveConcurrencyAsync(ScopeB, "b", 0, 900, Token);

        var all = await Store.Concurrency.ListReservedConcurrencyAsync(Token);

        Assert.Equal(
            [new ReservedConcurrency(ScopeA, "a", 1), new ReservedConcurrency(ScopeB, "b", 0)],
            all.OrderBy(r => r.FunctionName, StringComparer.Ordinal));
    }
}
