// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Mappings;

namespace Nimbus.TestKit.Fakes;

/// <summary>Event source mappings by UUID.</summary>
public sealed partial class InMemoryStateStore
{
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
}
