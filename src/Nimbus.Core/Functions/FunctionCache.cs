// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;

namespace Nimbus.Core.Functions;

/// <summary>
/// The functions the invoke path reads, kept in memory. Every change made through <see cref="FunctionService"/>
/// invalidates its entry after the commit; a generation per function stops a read that raced with a change from
/// caching what it read before the change.
/// </summary>
internal sealed class FunctionCache
{
    private readonly ConcurrentDictionary<FunctionKey, long> _generations = new();
    private readonly ConcurrentDictionary<FunctionKey, Entry> _entries = new();

    public bool TryGet(FunctionKey key, out FunctionRecord record, out long generation)
    {
        generation = _generations.GetOrAdd(key, 0);
        if (_entries.TryGetValue(key, out var entry) && entry.Generation == generation)
        {
            record = entry.Record;
            return true;
        }

        record = null!;
        return false;
    }

    /// <summary>Caches what was read at <paramref name="generation"/>, unless the function changed since.</summary>
    public void Set(FunctionKey key, FunctionRecord record, long generation)
    {
        if (_generations.TryGetValue(key, out var current) && current == generation)
        {
            _entries[key] = new Entry(generation, record);
        }
    }

    public void Invalidate(FunctionKey key)
    {
        _generations.AddOrUpdate(key, 1, static (_, value) => value + 1);
        _entries.TryRemove(key, out _);
    }

    private sealed record Entry(long Generation, FunctionRecord Record);
}
