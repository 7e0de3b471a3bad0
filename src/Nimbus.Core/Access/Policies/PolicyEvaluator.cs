// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// IAM's evaluation logic for identity-based policies and an optional resource-based policy (IAM User Guide,
/// reference_policies_evaluation-logic, and reference_policies_evaluation-logic-cross-account):
/// <list type="number">
/// <item>By default every request is denied (implicit deny), except the account root user's in its own account
/// (reference_policies_evaluation-logic_policy-eval-denyallow: "with the exception of the AWS account root user, which
/// has full access"), which only a resource-based Deny stops.</item>
/// <item>An applicable Deny in any policy denies it (explicit deny wins, whatever else allows).</item>
/// <item>Within one account an Allow in either kind of policy is enough, except that a resource-based Allow that names
/// only the caller's account still needs the identity-based Allow.</item>
/// <item>Across accounts both must allow: the caller's identity-based policy (the caller's account root needs none)
/// and the resource owner's policy.</item>
/// </list>
/// Evaluation allocates nothing: the patterns and conditions were compiled by the parser.
/// </summary>
public static class PolicyEvaluator
{
    public static AuthorizationResult Evaluate(RequestContext request, IReadOnlyList<PolicyDocument> identityPolicies, PolicyDocument? resourcePolicy = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identityPolicies);

        PolicyStatement? identityAllow = null;
        for (var p = 0; p < identityPolicies.Count; p++)
        {
            var statements = identityPolicies[p].StatementArray;
            for (var s = 0; s < statements.Length; s++)
            {
                var statement = statements[s];
                if (statement.Effect == PolicyEffect.Allow && identityAllow is not null)
                {
                    continue;
                }

                if (statement.Applies(request) == PrincipalMatch.None)
                {
                    continue;
                }

                if (statement.Effect == PolicyEffect.Deny)
                {
                    return new AuthorizationResult(PolicyDecision.Deny, DecisionReason.ExplicitDenyInIdentityPolicy, statement);
                }

                identityAllow = statement;
            }
        }

        PolicyStatement? resourceAllow = null;
        var resourceMatch = PrincipalMatch.None;
        if (resourcePolicy is not null)
        {
            var statements = resourcePolicy.StatementArray;
            for (var s = 0; s < statements.Length; s++)
            {
                var statement = statements[s];
                if (statement.Effect == PolicyEffect.Allow && resourceMatch == PrincipalMatch.Direct)
                {
                    continue;
                }

                var match = statement.Applies(request);
                if (match == PrincipalMatch.None)
                {
                    continue;
                }

                if (statement.Effect == PolicyEffect.Deny)
                {
                    return new AuthorizationResult(PolicyDecision.Deny, DecisionReason.ExplicitDenyInResourcePolicy, statement);
                }

                if (match > resourceMatch)
                {
                    resourceMatch = match;
                    resourceAllow = statement;
                }
            }
        }

        if (request.IsAnonymous)
        {
            // Nobody's account and no identity policies: the resource's grant to everyone is the only way in.
            return resourceMatch == PrincipalMatch.Direct
                ? new AuthorizationResult(PolicyDecision.Allow, DecisionReason.AllowedByResourcePolicy, resourceAllow)
                : new AuthorizationResult(PolicyDecision.Deny, DecisionReason.NoResourcePolicyAllows, null);
        }

        var sameAccount = string.Equals(request.PrincipalAccount, request.ResourceAccount, StringComparison.Ordinal);
        if (sameAccount && IsAccountRoot(request))
        {
            return new AuthorizationResult(PolicyDecision.Allow, DecisionReason.AllowedAsAccountRoot, null);
        }

        if (sameAccount)
        {
            if (identityAllow is not null)
            {
                return new AuthorizationResult(PolicyDecision.Allow, DecisionReason.AllowedByIdentityPolicy, identityAllow);
            }

            return resourceMatch == PrincipalMatch.Direct
                ? new AuthorizationResult(PolicyDecision.Allow, DecisionReason.AllowedByResourcePolicy, resourceAllow)
                : new AuthorizationResult(PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows, null);
        }

        // Across accounts the caller's account must allow too: its root user is allowed everything its account may do
        // (it has no identity-based policies to ask), so for the root only the resource policy decides.
        if (identityAllow is null && !IsAccountRoot(request))
        {
            return new AuthorizationResult(PolicyDecision.Deny, DecisionReason.NoIdentityPolicyAllows, null);
        }

        return resourceAllow is null
            ? new AuthorizationResult(PolicyDecision.Deny, DecisionReason.NoResourcePolicyAllows, null)
            : new AuthorizationResult(PolicyDecision.Allow, DecisionReason.AllowedByBoth, resourceAllow);
    }

    /// <summary>arn:PARTITION:iam::ACCOUNT:root, ACCOUNT being the caller's.</summary>
    private static bool IsAccountRoot(RequestContext request)
    {
        var arn = request.PrincipalArn.AsSpan();
        var account = request.PrincipalAccount.AsSpan();
        if (request.ServicePrincipal is not null || request.FederatedProvider is not null || account.IsEmpty || !arn.StartsWith("arn:"))
        {
            return false;
        }

        var rest = arn[4..];
        var colon = rest.IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        rest = rest[(colon + 1)..];
        return rest.StartsWith("iam::") && rest[5..].StartsWith(account) && rest[(5 + account.Length)..].SequenceEqual(":root");
    }
}
