// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>How a resource-based statement's Principal names the caller. <see cref="Direct"/>: the caller's own ARN
/// (a user, a role session), the role whose session the caller is, a service, or everyone (<c>*</c>): within one
/// account such a grant is enough alone (IAM User Guide, reference_policies_evaluation-logic_policy-eval-denyallow,
/// "Resource-based policies": a role ARN grant is limited only by permissions boundaries and session policies, which
/// Nimbus does not have). <see cref="Delegated"/>: the caller's account; such a grant still needs the identity-based
/// policy's Allow.</summary>
internal enum PrincipalMatch
{
    None,
    Delegated,
    Direct,
}
