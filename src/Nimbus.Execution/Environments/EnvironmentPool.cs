// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Threading;

namespace Nimbus.Execution.Environments;

/// <summary>
/// Every live environment, grouped by function configuration. An environment is either leased (running one
/// invocation or its init) or idle in its group; the pool reclaims idle ones past the idle timeout or lifetime.
/// </summary>
internal sealed class EnvironmentPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FunctionEnvironments> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ExecutionEnvironment, FunctionEnvironments> _all = new();

    /// <summary>The group of a key, looked up without a string: one is made only for a new group (an invoke's lookup allocates nothing).</summary>
    public FunctionEnvironments Group(ReadOnlySpan<char> key) =>
        _groups.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var group)
            ? group
            : _groups.GetOrAdd(key.ToString(), static k => new FunctionEnvironments(k));

    public int LiveCount => _all.Count;

    /// <summary>Called after an environment was disposed (its last output is still in <see cref="ExecutionEnvironment.Output"/>).</summary>
    public Action<ExecutionEnvironment>? Discarded { get; set; }

    /// <summary>Live environments by state, counted now (for the Prometheus page; walks every environment).</summary>
    public EnvironmentCounts Count()
    {
        int initializing = 0, idle = 0, busy = 0;
        foreach (var (environment, _) in _all)
        {
            switch (environment.State)
            {
                case EnvironmentState.Initializing:
                    initializing++;
                    break;
                case EnvironmentState.Idle:
                    idle++;
                    break;
                case EnvironmentState.Busy:
                    busy++;
                    break;
            }
        }

        return new EnvironmentCounts(initializing, idle, busy);
    }

    public void Track(FunctionEnvironments group, ExecutionEnvironment environment)
    {
        _all[environment] = group;
        group.Added();
    }

    /// <summary>Puts a healthy environment back (idle, most recently used), or discards a dead one.</summary>
    public async ValueTask ReleaseAsync(FunctionEnvironments group, ExecutionEnvironment environment)
    {
        if (environment.State == EnvironmentState.Idle)
        {
            group.ReturnIdle(environment);
            return;
        }

        await DiscardAsync(environment);
    }

    public async ValueTask DiscardAsync(ExecutionEnvironment environment)
    {
        if (_all.TryRemove(environment, out var group))
        {
            group.Removed();
        }

        // Shutting a sandbox down starts processes and waits for them: never on an event thread (EventThreads).
        await EventThreads.Leave();
        await environment.DisposeAsync();
        Discarded?.Invoke(environment);
    }

    /// <summary>
    /// Removes idle environments unused for <paramref name="idleTimeout"/> or older than <paramref name="maxLifetime"/>;
    /// provisioned ones stay however long they idle (their worker replaces them if they die).
    /// </summary>
    public async Task<int> ReclaimAsync(DateTimeOffset now, TimeSpan idleTimeout, TimeSpan maxLifetime)
    {
        var expired = new List<ExecutionEnvironment>();
        foreach (var group in _groups.Values)
        {
            expired.AddRange(group.TakeExpired(e => !e.Provisioned && (now - e.LastUsed >= idleTimeout || now - e.LifetimeStart >= maxLifetime)));
        }

        await DiscardAllAsync(expired);
        return expired.Count;
    }

    /// <summary>Takes out the idle environments of every group whose key starts with <paramref name="keyPrefix"/>.</summary>
    public List<ExecutionEnvironment> TakeIdle(string keyPrefix)
    {
        var taken = new List<ExecutionEnvironment>();
        foreach (var (key, group) in _groups)
        {
            if (key.StartsWith(keyPrefix, StringComparison.Ordinal))
            {
                taken.AddRange(group.TakeExpired(static _ => true));
            }
        }

        return taken;
    }

    public async ValueTask DisposeAsync() => await DiscardAllAsync([.. _all.Keys]);

    /// <summary>
    /// Discards every one of <paramref name="environments"/>, taken out of the idle lists already: one whose shutdown
    /// throws does not leave the others running. Gives the failures, each with its environment.
    /// </summary>
    public async Task<List<(ExecutionEnvironment Environment, Exception Failure)>> DiscardEachAsync(List<ExecutionEnvironment> environments)
    {
        var failures = new List<(ExecutionEnvironment Environment, Exception Failure)>();
        foreach (var environment in environments)
        {
            try
            {
                await DiscardAsync(environment);
            }
            catch (Exception ex)
            {
                failures.Add((environment, ex));
            }
        }

        return failures;
    }

    /// <summary><see cref="DiscardEachAsync"/>, the failures thrown together at the end.</summary>
    private async Task DiscardAllAsync(List<ExecutionEnvironment> environments)
    {
        var failures = await DiscardEachAsync(environments);
        if (failures.Count > 0)
        {
            throw new AggregateException("Shutting down environments failed", failures.ConvertAll(f => f.Failure));
        }
    }
}
