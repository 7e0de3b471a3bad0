// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.TestKit.Fakes;

/// <summary>Reserved concurrency, removed with its function like the real stores' foreign key does.</summary>
public sealed partial class InMemoryStateStore
{
    private readonly Dictionary<(Scope Scope, string Name), int> _reserved = [];

    public Task<int?> GetReservedConcurrencyAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_reserved.TryGetValue((scope, name), out var reserved) ? reserved : (int?)null);
        }
    }

    public Task<ReservationOutcome> TryReserveConcurrencyAsync(Scope scope, string name, int reserved, int maxTotalReserved, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions) || !functions.ContainsKey(name))
            {
                return Task.FromResult(ReservationOutcome.FunctionNotFound);
            }

            long others = 0;
            foreach (var (key, value) in _reserved)
            {
                if (key.Scope == scope && key.Name != name)
                {
                    others += value;
                }
            }

            if (others + reserved > maxTotalReserved)
            {
                return Task.FromResult(ReservationOutcome.ExceedsAccountLimit);
            }

            _reserved[(scope, name)] = reserved;
            WriteCount++;
            return Task.FromResult(ReservationOutcome.Reserved);
        }
    }

    public Task<bool> DeleteReservedConcurrencyAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_reserved.Remove((scope, name)))
            {
                WriteCount++;
            }

            return Task.FromResult(_functions.TryGetValue(scope, out var functions) && functions.ContainsKey(name));
        }
    }

    public Task<long> GetTotalReservedConcurrencyAsync(Scope scope, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            long total = 0;
            foreach (var (key, value) in _reserved)
            {
                if (key.Scope == scope)
                {
                    total += value;
                }
            }

            return Task.FromResult(total);
        }
    }

    public Task<IReadOnlyList<ReservedConcurrency>> ListReservedConcurrencyAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var all = new List<ReservedConcurrency>();
            foreach (var (key, value) in _reserved)
            {
                all.Add(new ReservedConcurrency(key.Scope, key.Name, value));
            }

            return Task.FromResult<IReadOnlyList<ReservedConcurrency>>(all);
        }
    }
}
