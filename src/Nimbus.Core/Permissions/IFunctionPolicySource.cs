// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Arns;

namespace Nimbus.Core.Permissions;

/// <summary>
/// A function's resource-based policy, parsed, for the authorizer: what the operations a function policy governs
/// (Invoke, and whatever else a statement grants) pass as the resource policy.
/// </summary>
public interface IFunctionPolicySource
{
    /// <summary>
    /// The policy of <paramref name="qualifier"/> (<c>$LATEST</c>, a version, an alias) of the function, or null when
    /// it has none (or the function does not exist). Served from memory until the policy, the function, the version
    /// or the alias changes.
    /// </summary>
    ValueTask<PolicyDocument?> FindAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);
}
