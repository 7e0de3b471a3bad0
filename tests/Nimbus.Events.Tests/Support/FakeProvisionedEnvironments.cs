// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Tests.Support;

/// <summary>Provisioned sets as counts: starts what is asked for, or fails every start when <see cref="InitFails"/>.</summary>
internal sealed class FakeProvisionedEnvironments : IProvisionedEnvironments
{
    private readonly ConcurrentDictionary<string, int> _sets = new(StringComparer.Ordinal);
    private int _ensureCalls;

    public bool InitFails { get; set; }

    public int EnsureCalls => Volatile.Read(ref _ensureCalls);

    public ICollection<string> ProvisionedKeys => _sets.Keys;

    public IReadOnlyDictionary<string, int> Sets => _sets;

    public Task<ProvisionedStatus> EnsureProvisionedAsync(string key, Scope scope, FunctionVersion version, bool? outboundNetwork, int count, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _ensureCalls);
        if (InitFails)
        {
            _sets[key] = 0;
            return Task.FromResult(new ProvisionedStatus(0, ProvisionedConcurrencyConfig.InitFailure));
        }

        _sets[key] = count;
        return Task.FromResult(new ProvisionedStatus(count, null));
    }

    public void ReleaseProvisioned(string key) => _sets.TryRemove(key, out _);
}
