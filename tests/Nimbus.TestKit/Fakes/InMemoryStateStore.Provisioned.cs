// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.TestKit.Fakes;

/// <summary>Provisioned-concurrency configs per qualifier.</summary>
public sealed partial class InMemoryStateStore
{
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
}
