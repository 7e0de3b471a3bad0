// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Core.Storage;

namespace Nimbus.TestKit.Fakes;

/// <summary>
/// The state stores (functions, concurrency, provisioned concurrency, invoke configs, mappings) in memory for unit
/// tests, passing the same conformance suites as SQLite: one lock, one dictionary per scope, compare-and-swap on
/// the stored <c>$LATEST</c> RevisionId like the real stores.
/// </summary>
public sealed partial class InMemoryStateStore :
    IStoreSchema,
    IFunctionStore,
    IConcurrencyStore,
    IProvisionedConcurrencyStore,
    IEventInvokeConfigStore,
    IEventSourceMappingStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Scope, SortedDictionary<string, FunctionRecord>> _functions = [];
    private readonly Dictionary<FunctionKey, SortedDictionary<int, FunctionVersion>> _versions = [];
    private readonly Dictionary<FunctionKey, SortedDictionary<string, FunctionAlias>> _aliases = [];
    private readonly Dictionary<FunctionKey, SortedDictionary<string, ProvisionedConcurrencyConfig>> _provisioned = [];
    private readonly Dictionary<FunctionKey, SortedDictionary<string, EventInvokeConfig>> _invokeConfigs = [];
    private readonly SortedDictionary<string, EventSourceMapping> _mappings = new(StringComparer.Ordinal);

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

            // Like the real stores, an update of $LATEST leaves the version counter alone.
            functions[record.Name] = record with { LastPublishedVersion = current.LastPublishedVersion, RecursiveLoop = current.RecursiveLoop };
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

            _versions.Remove(new FunctionKey(scope, name));
            _aliases.Remove(new FunctionKey(scope, name));
            _provisioned.Remove(new FunctionKey(scope, name));
            _invokeConfigs.Remove(new FunctionKey(scope, name));
            _reserved.Remove((scope, name));
            DropPolicies(new FunctionKey(scope, name));

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

    public Task<IReadOnlyList<FunctionRecord>> ListSnapStartFunctionsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var found = _functions.Values
                .SelectMany(functions => functions.Values)
                .Where(record => _versions.TryGetValue(new FunctionKey(record.Scope, record.Name), out var versions)
                    && versions.Values.Any(version => version.SnapStartApplyOn == SnapStart.PublishedVersions))
                .ToList();
            return Task.FromResult<IReadOnlyList<FunctionRecord>>(found);
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
            return Task.FromResult(
                _functions.Values.Any(functions => functions.Values.Any(record => record.Latest.CodeSha256 == codeSha256))
                || _versions.Values.Any(versions => versions.Values.Any(version => version.CodeSha256 == codeSha256)));
        }
    }

    public Task<bool> SetRecursiveLoopAsync(Scope scope, string functionName, string recursiveLoop, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions) || !functions.TryGetValue(functionName, out var current))
            {
                return Task.FromResult(false);
            }

            functions[functionName] = current with { RecursiveLoop = recursiveLoop };
            WriteCount++;
            return Task.FromResult(true);
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
