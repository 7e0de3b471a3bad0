// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;

namespace Nimbus.TestKit.Fakes;

/// <summary>
/// <see cref="IStateStore"/> in memory for unit tests: one lock, one dictionary per scope, compare-and-swap on
/// the stored <c>$LATEST</c> RevisionId like the real stores.
/// </summary>
public sealed partial class InMemoryStateStore : IStateStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Scope, SortedDictionary<string, FunctionRecord>> _functions = [];

    /// <summary>How many times a write (create, update or delete) changed the store.</summary>
    public int WriteCount { get; private set; }

    public Task MigrateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<FunctionRecord?> GetFunctionAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_functions.TryGetValue(scope, out var functions) && functions.TryGetValue(name, out var record) ? record : null);
        }
    }

    public Task<bool> TryCreateFunctionAsync(FunctionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            if (!_functions.TryGetValue(record.Scope, out var functions))
            {
                functions = new SortedDictionary<string, FunctionRecord>(StringComparer.Ordinal);
                _functions.Add(record.Scope, functions);
            }

            if (!functions.TryAdd(record.Name, record))
            {
                return Task.FromResult(false);
            }

            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryUpdateFunctionAsync(FunctionRecord record, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            if (!_functions.TryGetValue(record.Scope, out var functions)
                || !functions.TryGetValue(record.Name, out var current)
                || current.Latest.RevisionId != expectedRevisionId)
            {
                return Task.FromResult(false);
            }

            functions[record.Name] = record;
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteFunctionAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions) || !functions.Remove(name))
            {
                return Task.FromResult(false);
            }

            _reserved.Remove((scope, name));
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<FunctionRecord>> ListFunctionsAsync(Scope scope, string? afterName, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions))
            {
                return Task.FromResult<IReadOnlyList<FunctionRecord>>([]);
            }

            var page = functions.Values
                .Where(record => afterName is null || string.CompareOrdinal(record.Name, afterName) > 0)
                .Take(limit)
                .ToList();
            return Task.FromResult<IReadOnlyList<FunctionRecord>>(page);
        }
    }

    public Task<IReadOnlyList<FunctionRecord>> ListSettlingFunctionsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var settling = _functions.Values
                .SelectMany(functions => functions.Values)
                .Where(record => record.Latest.IsSettling)
                .ToList();
            return Task.FromResult<IReadOnlyList<FunctionRecord>>(settling);
        }
    }

    public Task<(long FunctionCount, long TotalCodeSize)> GetUsageAsync(Scope scope, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions))
            {
                return Task.FromResult((0L, 0L));
            }

            return Task.FromResult(((long)functions.Count, functions.Values.Sum(record => record.Latest.CodeSize)));
        }
    }

    public Task<bool> IsCodeReferencedAsync(string codeSha256, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_functions.Values.Any(functions => functions.Values.Any(record => record.Latest.CodeSha256 == codeSha256)));
        }
    }

    /// <summary>Every stored function of every scope, for assertions that a rejected request changed nothing.</summary>
    public IReadOnlyList<FunctionRecord> Snapshot()
    {
        lock (_lock)
        {
            return _functions.Values.SelectMany(functions => functions.Values).ToList();
        }
    }
}
