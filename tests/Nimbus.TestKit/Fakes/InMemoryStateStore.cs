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
            return Task.FromResult(
                _functions.Values.Any(functions => functions.Values.Any(record => record.Latest.CodeSha256 == codeSha256))
                || _versions.Values.Any(versions => versions.Values.Any(version => version.CodeSha256 == codeSha256)));
        }
    }

    public Task<bool> TryPublishVersionAsync(Scope scope, FunctionVersion latest, FunctionVersion version, int expectedLastVersion, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentNullException.ThrowIfNull(version);
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions)
                || !functions.TryGetValue(version.Name, out var current)
                || current.Latest.RevisionId != expectedRevisionId
                || current.LastPublishedVersion != expectedLastVersion)
            {
                return Task.FromResult(false);
            }

            var number = int.Parse(version.Version, System.Globalization.CultureInfo.InvariantCulture);
            functions[version.Name] = current with { Latest = latest, LastPublishedVersion = number };
            var key = new FunctionKey(scope, version.Name);
            if (!_versions.TryGetValue(key, out var versions))
            {
                versions = [];
                _versions.Add(key, versions);
            }

            versions.Add(number, version);
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<FunctionVersion?> GetVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_versions.TryGetValue(new FunctionKey(scope, name), out var versions) && versions.TryGetValue(version, out var found) ? found : null);
        }
    }

    public Task<IReadOnlyList<FunctionVersion>> ListVersionsAsync(Scope scope, string name, int afterVersion, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_versions.TryGetValue(new FunctionKey(scope, name), out var versions))
            {
                return Task.FromResult<IReadOnlyList<FunctionVersion>>([]);
            }

            return Task.FromResult<IReadOnlyList<FunctionVersion>>(versions.Where(pair => pair.Key > afterVersion).Take(limit).Select(pair => pair.Value).ToList());
        }
    }

    public Task UpdateVersionAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        lock (_lock)
        {
            var number = int.Parse(version.Version, System.Globalization.CultureInfo.InvariantCulture);
            if (_versions.TryGetValue(new FunctionKey(scope, version.Name), out var versions) && versions.ContainsKey(number))
            {
                versions[number] = version;
                WriteCount++;
            }

            return Task.CompletedTask;
        }
    }

    public Task<bool> DeleteVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var key = new FunctionKey(scope, name);
            var text = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_aliases.TryGetValue(key, out var aliases)
                && aliases.Values.Any(alias => alias.FunctionVersion == text || (alias.AdditionalVersionWeights?.ContainsKey(text) ?? false)))
            {
                return Task.FromResult(false);
            }

            var deleted = _versions.TryGetValue(key, out var versions) && versions.Remove(version);
            WriteCount += deleted ? 1 : 0;
            return Task.FromResult(deleted);
        }
    }

    public Task<FunctionAlias?> GetAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_aliases.TryGetValue(new FunctionKey(scope, functionName), out var aliases) && aliases.TryGetValue(aliasName, out var found) ? found : null);
        }
    }

    public Task<IReadOnlyList<FunctionAlias>> ListAliasesAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<FunctionAlias>>(
                _aliases.TryGetValue(new FunctionKey(scope, functionName), out var aliases) ? aliases.Values.ToList() : []);
        }
    }

    public Task<bool> TryCreateAliasAsync(Scope scope, FunctionAlias functionAlias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(functionAlias);
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions) || !functions.ContainsKey(functionAlias.FunctionName))
            {
                return Task.FromResult(false);
            }

            var key = new FunctionKey(scope, functionAlias.FunctionName);
            if (!_aliases.TryGetValue(key, out var aliases))
            {
                aliases = new SortedDictionary<string, FunctionAlias>(StringComparer.Ordinal);
                _aliases.Add(key, aliases);
            }

            var added = aliases.TryAdd(functionAlias.Name, functionAlias);
            WriteCount += added ? 1 : 0;
            return Task.FromResult(added);
        }
    }

    public Task<bool> TryUpdateAliasAsync(Scope scope, FunctionAlias functionAlias, string expectedRevisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(functionAlias);
        lock (_lock)
        {
            if (!_aliases.TryGetValue(new FunctionKey(scope, functionAlias.FunctionName), out var aliases)
                || !aliases.TryGetValue(functionAlias.Name, out var current)
                || current.RevisionId != expectedRevisionId)
            {
                return Task.FromResult(false);
            }

            aliases[functionAlias.Name] = functionAlias;
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var deleted = _aliases.TryGetValue(new FunctionKey(scope, functionName), out var aliases) && aliases.Remove(aliasName);
            WriteCount += deleted ? 1 : 0;
            return Task.FromResult(deleted);
        }
    }

    public Task<ProvisionedConcurrencyConfig?> GetProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_provisioned.TryGetValue(new FunctionKey(scope, functionName), out var configs) && configs.TryGetValue(qualifier, out var found) ? found : null);
        }
    }

    public Task<IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)>> ListProvisionedConcurrencyAsync(Scope? scope, string? functionName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var all = _provisioned
                .Where(pair => scope is null || (pair.Key.Scope == scope && pair.Key.Name == functionName))
                .SelectMany(pair => pair.Value.Values.Select(config => (pair.Key.Scope, config)))
                .ToList();
            return Task.FromResult<IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)>>(all);
        }
    }

    public Task<bool> PutProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions) || !functions.ContainsKey(config.FunctionName))
            {
                return Task.FromResult(false);
            }

            var key = new FunctionKey(scope, config.FunctionName);
            if (!_provisioned.TryGetValue(key, out var configs))
            {
                configs = new SortedDictionary<string, ProvisionedConcurrencyConfig>(StringComparer.Ordinal);
                _provisioned.Add(key, configs);
            }

            configs[config.Qualifier] = config;
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryUpdateProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_lock)
        {
            if (!_provisioned.TryGetValue(new FunctionKey(scope, config.FunctionName), out var configs)
                || !configs.TryGetValue(config.Qualifier, out var current)
                || current.LastModified != config.LastModified
                || current.Requested != config.Requested
                || current.Revision != config.Revision)
            {
                return Task.FromResult(false);
            }

            configs[config.Qualifier] = config;
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var deleted = _provisioned.TryGetValue(new FunctionKey(scope, functionName), out var configs) && configs.Remove(qualifier);
            WriteCount += deleted ? 1 : 0;
            return Task.FromResult(deleted);
        }
    }

    public Task<EventInvokeConfig?> GetEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_invokeConfigs.TryGetValue(new FunctionKey(scope, functionName), out var configs) && configs.TryGetValue(qualifier, out var found) ? found : null);
        }
    }

    public Task<IReadOnlyList<EventInvokeConfig>> ListEventInvokeConfigsAsync(Scope scope, string functionName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<EventInvokeConfig>>(
                _invokeConfigs.TryGetValue(new FunctionKey(scope, functionName), out var configs) ? configs.Values.ToList() : []);
        }
    }

    public Task<bool> PutEventInvokeConfigAsync(Scope scope, EventInvokeConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_lock)
        {
            if (!_functions.TryGetValue(scope, out var functions) || !functions.ContainsKey(config.FunctionName))
            {
                return Task.FromResult(false);
            }

            var key = new FunctionKey(scope, config.FunctionName);
            if (!_invokeConfigs.TryGetValue(key, out var configs))
            {
                configs = new SortedDictionary<string, EventInvokeConfig>(StringComparer.Ordinal);
                _invokeConfigs.Add(key, configs);
            }

            configs[config.Qualifier] = config;
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var deleted = _invokeConfigs.TryGetValue(new FunctionKey(scope, functionName), out var configs) && configs.Remove(qualifier);
            WriteCount += deleted ? 1 : 0;
            return Task.FromResult(deleted);
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

    public Task<EventSourceMapping?> GetEventSourceMappingAsync(string uuid, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_mappings.TryGetValue(uuid, out var mapping) ? mapping : null);
        }
    }

    public Task<IReadOnlyList<EventSourceMapping>> ListEventSourceMappingsAsync(Scope? scope, string? eventSourceArn, string? functionName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<EventSourceMapping>>(_mappings.Values
                .Where(m => (scope is null || m.Scope == scope) && (eventSourceArn is null || m.EventSourceArn == eventSourceArn) && (functionName is null || m.FunctionName == functionName))
                .ToList());
        }
    }

    public Task<bool> TryCreateEventSourceMappingAsync(EventSourceMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        lock (_lock)
        {
            if (_mappings.Values.Any(m => m.Scope == mapping.Scope && m.EventSourceArn == mapping.EventSourceArn && m.FunctionName == mapping.FunctionName)
                || !_mappings.TryAdd(mapping.Uuid, mapping))
            {
                return Task.FromResult(false);
            }

            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryUpdateEventSourceMappingAsync(EventSourceMapping mapping, DateTimeOffset expectedLastModified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        lock (_lock)
        {
            if (!_mappings.TryGetValue(mapping.Uuid, out var current) || current.LastModified != expectedLastModified)
            {
                return Task.FromResult(false);
            }

            _mappings[mapping.Uuid] = mapping;
            WriteCount++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteEventSourceMappingAsync(string uuid, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var deleted = _mappings.Remove(uuid);
            WriteCount += deleted ? 1 : 0;
            return Task.FromResult(deleted);
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
