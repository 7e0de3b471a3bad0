// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>Which case of IAM's evaluation decided a request; the denials map to the "because ..." and "with an
/// explicit deny ..." clauses of AccessDeniedException (see <see cref="AccessDeniedMessage"/>).</summary>
public enum DecisionReason
{
    /// <summary>No applicable Allow in an identity-based policy, and none in a resource-based policy that would do alone.</summary>
    NoIdentityPolicyAllows,

    /// <summary>Cross-account: the identity-based policy allows, but the resource's policy does not.</summary>
    NoResourcePolicyAllows,

    ExplicitDenyInIdentityPolicy,

    ExplicitDenyInResourcePolicy,

    AllowedByIdentityPolicy,

    /// <summary>Same account: the resource-based policy's Allow names the caller itself, which is enough alone.</summary>
    AllowedByResourcePolicy,

    /// <summary>Cross-account: both the identity-based and the resource-based policy allow.</summary>
    AllowedByBoth,

    /// <summary>The account's root user, in its own account: allowed unless a resource-based policy denies it.</summary>
    AllowedAsAccountRoot,
}
