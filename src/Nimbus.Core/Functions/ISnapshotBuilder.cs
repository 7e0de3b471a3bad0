// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Functions;

/// <summary>
/// Makes and drops the snapshots (initialized templates) of SnapStart versions; implemented by the execution part.
/// The control plane asks for one when a SnapStart version settles and drops it with the version.
/// </summary>
public interface ISnapshotBuilder
{
    /// <summary>
    /// Initializes <paramref name="version"/> once and keeps it as the version's snapshot; null when it is ready, else
    /// the failure (a StateReasonCode and its reason) the version is left Failed with.
    /// </summary>
    Task<(string Code, string Reason)?> CreateAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken);

    /// <summary>Drops the snapshot of one version, or of every version of the function when <paramref name="version"/> is null.</summary>
    void Delete(Scope scope, string functionName, string? version);
}
