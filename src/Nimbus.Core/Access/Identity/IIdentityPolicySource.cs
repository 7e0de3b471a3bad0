// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Access.Identity;

/// <summary>
/// The identity-based policies that apply to a principal, as IAM keeps them: for a user, its inline policies, the
/// managed policies attached to it and those of its groups; for an assumed-role session, its role's inline and attached
/// policies; nothing for the account root (which needs none) or a principal IAM does not know.
/// </summary>
public interface IIdentityPolicySource
{
    /// <summary>
    /// Moves on every IAM change that can alter any principal's policies (a policy put, attached, detached, deleted,
    /// a new default version, a group membership); a cache keyed by principal is valid while it stays put.
    /// </summary>
    long Generation { get; }

    /// <summary>The parsed policies of <paramref name="principalArn"/> (a user, or an assumed-role session's ARN).</summary>
    ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken);
}
