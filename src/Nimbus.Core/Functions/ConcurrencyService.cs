// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Functions;

/// <summary>
/// The concurrency rules of functions: reserved concurrency (PutFunctionConcurrency, GetFunctionConcurrency,
/// DeleteFunctionConcurrency) and provisioned concurrency (the *ProvisionedConcurrencyConfig operations), which are
/// checked against each other. Like <see cref="FunctionService"/> it does no I/O itself and commits before returning.
/// </summary>
public sealed partial class ConcurrencyService : IDisposable
{
    private readonly IFunctionStore _store;
    private readonly IConcurrencyStore _concurrency;
    private readonly IProvisionedConcurrencyStore _provisioned;
    private readonly QualifierResolver _resolver;
    private readonly TimeProvider _time;
    private readonly FunctionServiceOptions _options;
    private readonly ConcurrencyReservations _reservations = new();

    // Reservation changes commit and then update the gate's view; serialized so the two happen in the same order,
    // and so the provisioned-concurrency check sees no concurrent change.
    private readonly SemaphoreSlim _reservationLock = new(1, 1);

    public ConcurrencyService(
        IFunctionStore store,
        IConcurrencyStore concurrency,
        IProvisionedConcurrencyStore provisioned,
        QualifierResolver resolver,
        TimeProvider time,
        FunctionServiceOptions options)
    {
        _store = store;
        _concurrency = concurrency;
        _provisioned = provisioned;
        _resolver = resolver;
        _time = time;
        _options = options;
    }

    /// <summary>The reservations in force, for the invoke path's concurrency gate.</summary>
    public ConcurrencyReservations Reservations => _reservations;

    /// <summary>Loads every stored reservation (called once at start, after the migrations).</summary>
    public async Task LoadReservationsAsync(CancellationToken cancellationToken)
    {
        foreach (var reservation in await _concurrency.ListReservedConcurrencyAsync(cancellationToken))
        {
            _reservations.Set(reservation.Scope, reservation.FunctionName, reservation.Reserved);
        }
    }

    /// <summary>
    /// PutFunctionConcurrency: reserves <paramref name="reserved"/> executions for the function (0 throttles every
    /// invocation), as long as the account keeps its unreserved minimum (<see cref="ConcurrencyRules"/>).
    /// </summary>
    public async Task<int> PutConcurrencyAsync(Scope scope, string functionName, int? reserved, CancellationToken cancellationToken)
    {
        var reference = ParseForConcurrency(scope, functionName);
        var errors = new ValidationErrors();
        if (reserved is null)
        {
            errors.Add(null, "reservedConcurrentExecutions", "Member must not be null");
        }

        errors.Range(reserved, "reservedConcurrentExecutions", 0, int.MaxValue);
        errors.ThrowIfAny();

        await _reservationLock.WaitAsync(cancellationToken);
        try
        {
            return await ReserveAsync(scope, reference, reserved!.Value, cancellationToken); // Checked for null above.
        }
        finally
        {
            _reservationLock.Release();
        }
    }

    private async Task<int> ReserveAsync(Scope scope, FunctionReference reference, int value, CancellationToken cancellationToken)
    {
        var limit = _options.ConcurrentExecutions;
        var provisioned = 0;
        foreach (var (_, config) in await _provisioned.ListProvisionedConcurrencyAsync(scope, reference.Name, cancellationToken))
        {
            provisioned += config.Requested;
        }

        if (value < provisioned)
        {
            // AWS's wording, with its leading space and double space.
            throw LambdaErrors.InvalidParameter(
                $" ReservedConcurrentExecutions  {value.ToString(CultureInfo.InvariantCulture)} should not be lower than function's total provisioned concurrency [{provisioned.ToString(CultureInfo.InvariantCulture)}].");
        }

        var outcome = await _concurrency.TryReserveConcurrencyAsync(scope, reference.Name, value, ConcurrencyRules.MaxTotalReserved(limit), cancellationToken);
        switch (outcome)
        {
            case ReservationOutcome.FunctionNotFound:
                throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
            case ReservationOutcome.ExceedsAccountLimit:
                throw LambdaErrors.UnreservedBelowMinimum(ConcurrencyRules.MinimumUnreservedFor(limit));
        }

        _reservations.Set(scope, reference.Name, value);
        return value;
    }

    /// <summary>GetFunctionConcurrency: the function's reservation, or null when it has none.</summary>
    public async Task<int?> GetConcurrencyAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        var reference = ParseForConcurrency(scope, functionName);
        if (await _store.GetFunctionAsync(scope, reference.Name, cancellationToken) is null)
        {
            throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        }

        return await _concurrency.GetReservedConcurrencyAsync(scope, reference.Name, cancellationToken);
    }

    /// <summary>The reservation of a function already read (GetFunction's <c>Concurrency</c>).</summary>
    public Task<int?> GetConcurrencyAsync(FunctionRecord record, CancellationToken cancellationToken) =>
        _concurrency.GetReservedConcurrencyAsync(record.Scope, record.Name, cancellationToken);

    /// <summary>DeleteFunctionConcurrency: the function goes back to the unreserved pool (a no-op without a reservation).</summary>
    public async Task DeleteConcurrencyAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        var reference = ParseForConcurrency(scope, functionName);
        await _reservationLock.WaitAsync(cancellationToken);
        try
        {
            if (!await _concurrency.DeleteReservedConcurrencyAsync(scope, reference.Name, cancellationToken))
            {
                throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
            }

            _reservations.Set(scope, reference.Name, null);
        }
        finally
        {
            _reservationLock.Release();
        }
    }

    /// <summary>A deleted function's reservation went with it (the store removes it in the same transaction).</summary>
    public void Dispose() => _reservationLock.Dispose();

    /// <summary>A deleted function took its reservation and provisioned configs with it (the store's cascade).</summary>
    internal void FunctionDeleted(Scope scope, string name)
    {
        Interlocked.Increment(ref _provisionedGeneration);
        ForgetReservation(scope, name);
    }

    /// <summary>The sum of a scope's reservations (GetAccountSettings' unreserved figure).</summary>
    internal Task<long> GetTotalReservedAsync(Scope scope, CancellationToken cancellationToken) =>
        _concurrency.GetTotalReservedConcurrencyAsync(scope, cancellationToken);

    private void ForgetReservation(Scope scope, string name) => _reservations.Set(scope, name, null);

    private static FunctionReference ParseForConcurrency(Scope scope, string functionName)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: true);
        if (reference.Qualifier is not null)
        {
            // Reserved concurrency applies to the function as a whole, every version and alias included.
            throw LambdaErrors.InvalidParameter(
                $"Reserved concurrency is set on the function, not on a version or alias; use the unqualified function name or ARN ({reference.UnqualifiedArn}).");
        }

        return reference;
    }
}
