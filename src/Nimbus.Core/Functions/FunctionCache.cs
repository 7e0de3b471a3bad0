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
    private readonly ConcurrentDictionary<(FunctionKey Key, string Qualifier), TargetEntry> _targets = new();
    private readonly ConcurrentDictionary<(FunctionKey Key, string Qualifier), PolicyEntry> _policies = new();
    private long _changes;

    /// <summary>
    /// How many times any function was invalidated: a cache whose entries are found by something other than the
    /// function's name (a function URL's id) keeps what it read at one count and drops it at the next.
    /// </summary>
    public long Changes => Interlocked.Read(ref _changes);

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

    /// <summary>The cached resolution of one qualifier ($LATEST, a version or an alias) of a function.</summary>
    public bool TryGetTarget(FunctionKey key, string qualifier, out InvokeTarget target, out long generation)
    {
        generation = _generations.GetOrAdd(key, 0);
        if (_targets.TryGetValue((key, qualifier), out var entry) && entry.Generation == generation)
        {
            target = entry.Target;
            return true;
        }

        target = null!;
        return false;
    }

    public void SetTarget(FunctionKey key, string qualifier, InvokeTarget target, long generation)
    {
        if (_generations.TryGetValue(key, out var current) && current == generation)
        {
            _targets[(key, qualifier)] = new TargetEntry(generation, target);
        }
    }

    /// <summary>The cached resource-based policy of one qualifier (null: it has none).</summary>
    public bool TryGetPolicy(FunctionKey key, string qualifier, out Access.Policies.PolicyDocument? policy, out long generation)
    {
        generation = _generations.GetOrAdd(key, 0);
        if (_policies.TryGetValue((key, qualifier), out var entry) && entry.Generation == generation)
        {
            policy = entry.Policy;
            return true;
        }

        policy = null;
        return false;
    }

    public void SetPolicy(FunctionKey key, string qualifier, Access.Policies.PolicyDocument? policy, long generation)
    {
        if (_generations.TryGetValue(key, out var current) && current == generation)
        {
            _policies[(key, qualifier)] = new PolicyEntry(generation, policy);
        }
    }

    /// <summary>
    /// Forgets what was read of a function: its record and every qualifier's resolution and policy (a publish, an alias change
    /// or an update of $LATEST may change any of them).
    /// </summary>
    public void Invalidate(FunctionKey key)
    {
        _generations.AddOrUpdate(key, 1, static (_, value) => value + 1);
        _entries.TryRemove(key, out _);
        Interlocked.Increment(ref _changes);
    }

    private sealed record Entry(long Generation, FunctionRecord Record);

    private sealed record TargetEntry(long Generation, InvokeTarget Target);

    private sealed record PolicyEntry(long Generation, Access.Policies.PolicyDocument? Policy);
}
