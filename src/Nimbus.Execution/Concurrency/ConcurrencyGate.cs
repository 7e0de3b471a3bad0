// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Execution.Concurrency;

/// <summary>
/// Admits invocations by AWS's concurrency rules. A function with reserved concurrency R runs at most R at once,
/// from its own reservation; every other function shares its account's unreserved pool (the account limit minus
/// all reservations). Apart from that, a function starts at most <c>ScalingBurstPer10Seconds</c> new environments
/// per 10 s (a token bucket that refills continuously, AWS's scaling rate); warm environments are not limited.
/// <para>
/// The admission path takes no lock: a dictionary read and compare-and-swap loops on the counters. Reservations
/// come from <see cref="ConcurrencyReservations"/> (changes are applied under a lock, off the invoke path).
/// Queued events that were throttled can <see cref="Watch"/> a function; the gate then raises
/// <see cref="CapacityFreed"/> once when a slot comes back, so they need not poll.
/// </para>
/// </summary>
public sealed class ConcurrencyGate : IDisposable
{
    private static readonly TimeSpan BurstWindow = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<(Scope Scope, string Name), FunctionConcurrency> _functions = new();
    private readonly ConcurrentDictionary<Scope, AccountConcurrency> _accounts = new();
    private readonly ConcurrencyReservations _reservations;
    private readonly Lock _configure = new();
    private readonly int _accountLimit;
    private readonly int _burst;
    private readonly TimeProvider _time;

    public ConcurrencyGate(ConcurrencyReservations reservations, int accountLimit, int scalingBurstPer10Seconds, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        ArgumentOutOfRangeException.ThrowIfNegative(accountLimit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scalingBurstPer10Seconds);
        _reservations = reservations;
        _accountLimit = accountLimit;
        _burst = scalingBurstPer10Seconds;
        _time = time;
        reservations.Changed += OnReservationChanged;
        foreach (var reservation in reservations.Snapshot())
        {
            OnReservationChanged(reservation.Scope, reservation.FunctionName);
        }
    }

    /// <summary>
    /// A watched function (name) or a scope's unreserved pool (name null) has a free slot again, or its reservation
    /// changed. Raised on the thread that freed the slot: handlers must return at once.
    /// </summary>
    public event Action<Scope, string?>? CapacityFreed;

    /// <summary>Invocations of the function running now (for tests and metrics).</summary>
    public int InFlight(Scope scope, string name) => _functions.TryGetValue((scope, name), out var function) ? Volatile.Read(ref function.InFlight) : 0;

    /// <summary>Invocations running on the scope's unreserved pool now (for tests and metrics).</summary>
    public int UnreservedInFlight(Scope scope) => _accounts.TryGetValue(scope, out var account) ? Volatile.Read(ref account.UnreservedInFlight) : 0;

    /// <summary>
    /// Asks for <see cref="CapacityFreed"/> when the function can run again; true when it can already (the caller
    /// then need not wait: checked after the flag is set, so no release between the throttle and this call is lost).
    /// </summary>
    public bool Watch(Scope scope, string name)
    {
        var function = Function(scope, name);
        // A full fence: the read of InFlight below must not move before this write (else Exit can miss the watcher).
        Interlocked.Exchange(ref function.Watched, 1);
        Interlocked.Exchange(ref function.Account.Watched, 1);
        var reserved = Volatile.Read(ref function.Reserved);
        return reserved >= 0
            ? Volatile.Read(ref function.InFlight) < reserved
            : Volatile.Read(ref function.Account.UnreservedInFlight) < function.Account.UnreservedLimit;
    }

    public void Dispose() => _reservations.Changed -= OnReservationChanged;

    /// <summary>Admits one invocation of the function, or throws <see cref="InvocationThrottledException"/>.</summary>
    internal ConcurrencyLease Enter(Scope scope, string name)
    {
        var function = Function(scope, name);
        var reserved = Volatile.Read(ref function.Reserved);
        if (reserved >= 0)
        {
            // Counts every running invocation of the function, also those admitted before the reservation was set.
            if (!TryIncrement(ref function.InFlight, reserved))
            {
                throw new InvocationThrottledException(ThrottleReason.ReservedConcurrency);
            }

            return new ConcurrencyLease(this, function, unreserved: false);
        }

        var account = function.Account;
        if (!TryIncrement(ref account.UnreservedInFlight, account.UnreservedLimit))
        {
            throw new InvocationThrottledException(ThrottleReason.AccountConcurrency);
        }

        Interlocked.Increment(ref function.InFlight);
        return new ConcurrencyLease(this, function, unreserved: true);
    }

    internal void TakeColdStart(FunctionConcurrency function)
    {
        TimeSpan wait;
        lock (function.BurstLock)
        {
            var now = _time.GetTimestamp();
            if (function.Tokens < 0)
            {
                function.Tokens = _burst;
            }
            else
            {
                var refill = _time.GetElapsedTime(function.RefilledAt, now).TotalSeconds * _burst / BurstWindow.TotalSeconds;
                function.Tokens = Math.Min(_burst, function.Tokens + refill);
            }

            function.RefilledAt = now;
            if (function.Tokens >= 1)
            {
                function.Tokens -= 1;
                return;
            }

            wait = TimeSpan.FromSeconds((1 - function.Tokens) * BurstWindow.TotalSeconds / _burst);
        }

        var reason = Volatile.Read(ref function.Reserved) >= 0 ? ThrottleReason.ReservedScalingRate : ThrottleReason.ScalingRate;
        throw new InvocationThrottledException(reason, wait);
    }

    internal void Exit(FunctionConcurrency function, bool unreserved)
    {
        Interlocked.Decrement(ref function.InFlight);
        if (unreserved)
        {
            Interlocked.Decrement(ref function.Account.UnreservedInFlight);
        }

        // One volatile read each on the common path; the exchange makes one release raise each watch once.
        if (Volatile.Read(ref function.Watched) != 0 && Interlocked.Exchange(ref function.Watched, 0) != 0)
        {
            CapacityFreed?.Invoke(function.Account.Scope, function.Name);
        }

        if (unreserved && Volatile.Read(ref function.Account.Watched) != 0 && Interlocked.Exchange(ref function.Account.Watched, 0) != 0)
        {
            CapacityFreed?.Invoke(function.Account.Scope, null);
        }
    }

    /// <summary>Increments <paramref name="counter"/> unless it reached <paramref name="limit"/>; exact under contention.</summary>
    private static bool TryIncrement(ref int counter, int limit)
    {
        var current = Volatile.Read(ref counter);
        while (current < limit)
        {
            var seen = Interlocked.CompareExchange(ref counter, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    private FunctionConcurrency Function(Scope scope, string name) =>
        _functions.TryGetValue((scope, name), out var function)
            ? function
            : _functions.GetOrAdd((scope, name), static (key, gate) => gate.CreateFunction(key.Scope, key.Name), this);

    private FunctionConcurrency CreateFunction(Scope scope, string name)
    {
        // Read under the lock that changes apply under: a change that lands before this entry is added applies to the
        // entry it adds itself, and GetOrAdd keeps that one.
        lock (_configure)
        {
            return new FunctionConcurrency(Account(scope), name) { Reserved = _reservations.Find(scope, name) ?? -1 };
        }
    }

    private AccountConcurrency Account(Scope scope) =>
        _accounts.GetOrAdd(scope, static (key, gate) => new AccountConcurrency(key, gate._accountLimit) { TotalReserved = gate._reservations.TotalReserved(key) }, this);

    private void OnReservationChanged(Scope scope, string name)
    {
        FunctionConcurrency function;
        lock (_configure)
        {
            function = Function(scope, name);
            Volatile.Write(ref function.Reserved, _reservations.Find(scope, name) ?? -1);
            Volatile.Write(ref function.Account.TotalReserved, _reservations.TotalReserved(scope));
        }

        // A larger or removed reservation frees the function; any change may grow the unreserved pool.
        if (Interlocked.Exchange(ref function.Watched, 0) != 0)
        {
            CapacityFreed?.Invoke(scope, name);
        }

        if (Interlocked.Exchange(ref function.Account.Watched, 0) != 0)
        {
            CapacityFreed?.Invoke(scope, null);
        }
    }
}
