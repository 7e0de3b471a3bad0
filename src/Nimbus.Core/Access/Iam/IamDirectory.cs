// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Storage;

namespace Nimbus.Core.Access.Iam;

/// <summary>
/// IAM's answers for the authorizer and for whoever assumes roles, read from the <see cref="IIdentityStore"/>: a user's
/// policies (inline, attached, and its groups'), an assumed-role session's (its role's inline and attached), a role's
/// trust policy. <see cref="Generation"/> moves on every IAM change (<see cref="Changed"/>), so the authorizer's cache
/// per principal stays right.
/// </summary>
public sealed class IamDirectory(IIdentityStore store) : IIdentityPolicySource, IRoleDirectory
{
    private long _generation;

    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Called after every IAM write that can change what any principal may do.</summary>
    public void Changed() => Interlocked.Increment(ref _generation);

    public async ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principalArn);
        var account = IamArns.AccountOf(principalArn);
        IReadOnlyList<string> documents;
        if (IamArns.ParseAssumedRole(principalArn) is { } session)
        {
            documents = await store.GetEffectivePolicyDocumentsAsync(account, IamEntityKind.Role, session.Role, cancellationToken);
        }
        else if (IamArns.ParseEntity(principalArn) is { Kind: IamEntityKind.User } user)
        {
            documents = await store.GetEffectivePolicyDocumentsAsync(account, IamEntityKind.User, user.Name, cancellationToken);
        }
        else
        {
            return [];
        }

        var parsed = new List<PolicyDocument>(documents.Count);
        foreach (var document in documents)
        {
            // Every stored document was parsed before it was stored; one that no longer parses (a parser made stricter
            // since) grants nothing, as an unreadable policy must not.
            if (PolicyParser.TryParse(document, PolicyKind.Identity, null, out var policy, out _))
            {
                parsed.Add(policy);
            }
        }

        return parsed;
    }

    public async ValueTask<RoleDescription?> FindRoleAsync(string roleArn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roleArn);
        if (IamArns.ParseEntity(roleArn) is not { Kind: IamEntityKind.Role } parsed)
        {
            return null;
        }

        var role = await store.GetEntityAsync(IamArns.AccountOf(roleArn), IamEntityKind.Role, parsed.Name, cancellationToken);
        if (role is null || !string.Equals(role.Path, parsed.Path, StringComparison.Ordinal)
            || !PolicyParser.TryParse(role.AssumeRolePolicyDocument, PolicyKind.Trust, null, out var trust, out _))
        {
            return null;
        }

        return new RoleDescription(role.Arn, role.Name, role.Id, trust, TimeSpan.FromSeconds(role.MaxSessionDuration));
    }
}
