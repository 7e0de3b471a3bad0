// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.TestKit.Fakes;

/// <summary>Event invoke configs per qualifier.</summary>
public sealed partial class InMemoryStateStore
{
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
}
