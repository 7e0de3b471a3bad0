// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Execution.Invocation;

/// <summary>The environments kept initialized for provisioned concurrency, one set per config key (<see cref="Invoker"/>).</summary>
public interface IProvisionedEnvironments
{
    /// <summary>The keys of the sets kept now.</summary>
    ICollection<string> ProvisionedKeys { get; }

    /// <summary>Keeps <paramref name="count"/> initialized environments of <paramref name="version"/> under <paramref name="key"/>.</summary>
    Task<ProvisionedStatus> EnsureProvisionedAsync(string key, Scope scope, FunctionVersion version, bool? outboundNetwork, int count, CancellationToken cancellationToken);

    /// <summary>Stops keeping a set's environments warm; they serve on-demand until they idle out.</summary>
    void ReleaseProvisioned(string key);
}
