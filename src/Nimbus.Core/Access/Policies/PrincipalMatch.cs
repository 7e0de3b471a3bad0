// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>How a resource-based statement's Principal names the caller. <see cref="Direct"/>: the caller's own ARN
/// (a user, a role session), a service, or everyone (<c>*</c>). <see cref="Delegated"/>: the caller's account or the
/// role whose session the caller is; within one account such a grant still needs the identity-based policy's Allow
/// (IAM User Guide, reference_policies_evaluation-logic, "Resource-based policies").</summary>
internal enum PrincipalMatch
{
    None,
    Delegated,
    Direct,
}
