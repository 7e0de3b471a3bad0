// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Access;

/// <summary>
/// Decides whether a caller may perform an action on a resource: the caller's identity-based policies (from
/// <see cref="IIdentityPolicySource"/>, cached per principal until IAM changes) and the resource's own policy, if it
/// has one, evaluated as IAM does (<see cref="PolicyEvaluator"/>). The account root in its own account is allowed
/// without a lookup unless a resource policy is given.
/// </summary>
/// <remarks>With Auth=off every caller is the account root (the authentication middleware makes it so), so every
/// question takes the fast path.</remarks>
public sealed class Authorizer(IIdentityPolicySource policies, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, CachedPolicies> _cache = new(StringComparer.Ordinal);

    /// <summary>Throws <see cref="AccessDeniedException"/> unless the caller may perform <paramref name="action"/>.</summary>
    /// <param name="keys">Service-specific condition keys (lambda:FunctionArn ...), added to the global ones; null for none.</param>
    public async ValueTask AuthorizeAsync(
        CallerIdentity caller,
        RequestOrigin origin,
        string action,
        string resource,
        CancellationToken cancellationToken,
        ContextKeys? keys = null,
        PolicyDocument? resourcePolicy = null)
    {
        var result = await EvaluateAsync(caller, origin, action, resource, cancellationToken, keys, resourcePolicy);
        if (!result.IsAllowed)
        {
            throw new AccessDeniedException(caller.Arn, action, resource, result.Reason);
        }
    }

    public async ValueTask<AuthorizationResult> EvaluateAsync(
        CallerIdentity caller,
        RequestOrigin origin,
        string action,
        string resource,
        CancellationToken cancellationToken,
        ContextKeys? keys = null,
        PolicyDocument? resourcePolicy = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (resourcePolicy is null && IsOwnRoot(caller, resource))
        {
            return new AuthorizationResult(PolicyDecision.Allow, DecisionReason.AllowedAsAccountRoot, null);
        }

        var anonymous = caller.PrincipalType == CallerIdentity.AnonymousType;
        var identityPolicies = caller.PrincipalType == CallerIdentity.AccountType || anonymous
            ? []
            : await PoliciesOfAsync(caller.Arn, cancellationToken);
        var context = ContextKeys.ForCaller(caller, origin.SourceIp, time.GetUtcNow(), origin.Region, origin.SecureTransport);
        if (keys is not null)
        {
            context.AddFrom(keys);
        }

        var request = new RequestContext(caller.Arn, action, resource, context) { PrincipalAccount = caller.Account, IsAnonymous = anonymous };
        return PolicyEvaluator.Evaluate(request, identityPolicies, resourcePolicy);
    }

    private async ValueTask<IReadOnlyList<PolicyDocument>> PoliciesOfAsync(string principalArn, CancellationToken cancellationToken)
    {
        var generation = policies.Generation;
        if (_cache.TryGetValue(principalArn, out var cached) && cached.Generation == generation)
        {
            return cached.Policies;
        }

        var loaded = await policies.GetPoliciesAsync(principalArn, cancellationToken);
        _cache[principalArn] = new CachedPolicies(generation, loaded);
        return loaded;
    }

    /// <summary>The account root acting on its own account's resources (or on a resource without an account).</summary>
    private static bool IsOwnRoot(CallerIdentity caller, string resource)
    {
        if (caller.PrincipalType != CallerIdentity.AccountType)
        {
            return false;
        }

        // The account field of the ARN (arn:partition:service:region:ACCOUNT:...), read in place, without a string.
        var rest = resource.AsSpan();
        for (var i = 0; i < 4; i++)
        {
            var colon = rest.IndexOf(':');
            if (colon < 0)
            {
                return true;
            }

            rest = rest[(colon + 1)..];
        }

        // As RequestContext.AccountOf: an ARN without a field after the account has none.
        var end = rest.IndexOf(':');
        return end <= 0 || rest[..end].SequenceEqual(caller.Account);
    }

    private sealed record CachedPolicies(long Generation, IReadOnlyList<PolicyDocument> Policies);
}
