// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>The answer to a <see cref="RequestContext"/>: the decision, the case that made it, and the statement that
/// decided it (the denying one, or an allowing one; null for an implicit deny).</summary>
public readonly record struct AuthorizationResult(PolicyDecision Decision, DecisionReason Reason, PolicyStatement? Statement)
{
    public bool IsAllowed => Decision == PolicyDecision.Allow;
}
