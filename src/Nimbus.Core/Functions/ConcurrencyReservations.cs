// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.Core.Functions;

/// <summary>
/// The reservations in force, in memory for the invoke path: loaded from the store at start and changed by
/// <see cref="FunctionService"/> after each commit. The concurrency gate of the execution layer follows
/// <see cref="Changed"/>; it reads the current value rather than trusting the event's order.
/// </summary>
public sealed class ConcurrencyReservations
{
    private readonly ConcurrentDictionary<(Scope Scope, string Name), int> _reserved = new();

    /// <summary>A function's reservation was set or removed.</summary>
    public event Action<Scope, string>? Changed;

    /// <summary>The function's reservation, or null.</summary>
    public int? Find(Scope scope, string name) => _reserved.TryGetValue((scope, name), out var reserved) ? reserved : null;

    /// <summary>The sum of a scope's reservations.</summary>
    public int TotalReserved(Scope scope)
    {
        var total = 0;
        foreach (var (key, reserved) in _reserved)
        {
            if (key.Scope == scope)
            {
                total += reserved;
            }
        }

        return total;
    }

    /// <summary>Every reservation, in no particular order.</summary>
    public IReadOnlyList<ReservedConcurrency> Snapshot()
    {
        var all = new List<ReservedConcurrency>();
        foreach (var (key, reserved) in _reserved)
        {
            all.Add(new ReservedConcurrency(key.Scope, key.Name, reserved));
        }

        return all;
    }

    /// <summary>Records a committed change and tells the listeners.</summary>
    public void Set(Scope scope, string name, int? reserved)
    {
        if (reserved is { } value)
        {
            _reserved[(scope, name)] = value;
        }
        else if (!_reserved.TryRemove((scope, name), out _))
        {
            return;
        }

        Changed?.Invoke(scope, name);
    }
}
