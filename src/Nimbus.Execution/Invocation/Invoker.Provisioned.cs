// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Execution.Environments;

namespace Nimbus.Execution.Invocation;

public sealed partial class Invoker
{
    private readonly ConcurrentDictionary<string, ProvisionedSet> _provisioned = new(StringComparer.Ordinal);

    /// <summary>The keys of the provisioned sets this invoker keeps.</summary>
    public ICollection<string> ProvisionedKeys => _provisioned.Keys;

    /// <summary>
    /// Keeps <paramref name="count"/> initialized environments of <paramref name="version"/> under
    /// <paramref name="key"/> (one provisioned-concurrency config): drops the dead, starts the missing ones with
    /// AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency, and parks them idle where invocations take them
    /// first. When the key's version changed (an alias moved) the old environments become on-demand ones.
    /// Called by one worker at a time per key.
    /// </summary>
    public async Task<ProvisionedStatus> EnsureProvisionedAsync(string key, Scope scope, FunctionVersion version, bool? outboundNetwork, int count, CancellationToken cancellationToken)
    {
        var set = _provisioned.GetOrAdd(key, static _ => new ProvisionedSet());
        var group = Group(scope, version, outboundNetwork);
        if (!ReferenceEquals(set.Group, group))
        {
            set.Release();
            set.Group = group;
        }

        set.Environments.RemoveAll(static environment => environment.State == EnvironmentState.Dead);
        while (set.Environments.Count > count)
        {
            set.Environments[^1].Provisioned = false;
            set.Environments.RemoveAt(set.Environments.Count - 1);
        }

        while (set.Environments.Count < count)
        {
            var (environment, outcome) = await StartEnvironmentAsync(
                scope, version, outboundNetwork, "provisioned-concurrency", group, _options.InitTimeout, cancellationToken);
            var output = environment.Output.Drain();
            Persist(scope, version, environment, output);
            if (outcome.Kind != OutcomeKind.Ready)
            {
                await Pool.DiscardAsync(environment);
                return new ProvisionedStatus(set.Environments.Count, ProvisionedConcurrencyConfig.InitFailure);
            }

            environment.Provisioned = true;
            set.Environments.Add(environment);
            await Pool.ReleaseAsync(group, environment);
        }

        return new ProvisionedStatus(set.Environments.Count, null);
    }

    /// <summary>Stops keeping a config's environments warm; they serve on-demand until they idle out.</summary>
    public void ReleaseProvisioned(string key)
    {
        if (_provisioned.TryRemove(key, out var set))
        {
            set.Release();
        }
    }

    /// <summary>The environments provisioned for a group's version (0, without a scan, when nothing is provisioned).</summary>
    private int ProvisionedFor(FunctionEnvironments group)
    {
        if (_provisioned.IsEmpty)
        {
            return 0;
        }

        var count = 0;
        foreach (var (_, set) in _provisioned)
        {
            if (ReferenceEquals(set.Group, group))
            {
                count += set.Environments.Count;
            }
        }

        return count;
    }

    /// <summary>The environments of one provisioned-concurrency config.</summary>
    private sealed class ProvisionedSet
    {
        public FunctionEnvironments? Group { get; set; }

        public List<ExecutionEnvironment> Environments { get; } = [];

        public void Release()
        {
            foreach (var environment in Environments)
            {
                environment.Provisioned = false;
            }

            Environments.Clear();
        }
    }
}
