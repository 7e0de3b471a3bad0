// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Storage;

/// <summary>Provisioned-concurrency configs, one per function qualifier; they go when the function is deleted.</summary>
public interface IProvisionedConcurrencyStore
{
    Task<ProvisionedConcurrencyConfig?> GetProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);

    /// <summary>The provisioned-concurrency configs of one function (by qualifier), or of every function when null.</summary>
    Task<IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)>> ListProvisionedConcurrencyAsync(Scope? scope, string? functionName, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the config of one qualifier; false when the function is gone.</summary>
    Task<bool> PutProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken);

    /// <summary>
    /// Records progress on a config if it is still the one the caller read (same <c>LastModified</c> and size),
    /// so a status report never brings back a config that was deleted or replaced meanwhile.
    /// </summary>
    Task<bool> TryUpdateProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken);

    Task<bool> DeleteProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);
}
