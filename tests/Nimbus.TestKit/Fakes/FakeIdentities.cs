// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;

namespace Nimbus.TestKit.Fakes;

/// <summary>
/// Roles and identity-based policies held in memory, for tests of what needs IAM (execution roles, a mapping's or a
/// destination's permissions) without IAM's store: a role's policies apply to its sessions
/// (<c>arn:aws:sts::A:assumed-role/NAME/SESSION</c>), a user's to the user.
/// </summary>
public sealed class FakeIdentities : IIdentityPolicySource, IRoleDirectory
{
    private readonly ConcurrentDictionary<string, RoleDescription> _roles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<PolicyDocument>> _policies = new(StringComparer.Ordinal);
    private long _generation;

    public const string TrustsLambda =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Adds (or replaces) a role with the given trust policy and identity-based policies; returns its ARN.</summary>
    public string AddRole(string account, string name, string trustPolicy = TrustsLambda, params string[] policies)
    {
        var arn = $"arn:aws:iam::{account}:role/{name}";
        _roles[arn] = new RoleDescription(arn, name, "AROA" + name.ToUpperInvariant(), PolicyParser.Parse(trustPolicy, PolicyKind.Trust), TimeSpan.FromHours(1));
        SetPolicies($"arn:aws:sts::{account}:assumed-role/{name}/", policies);
        return arn;
    }

    /// <summary>Sets the identity-based policies of a user ARN, or of every session of a role (an ARN ending in '/').</summary>
    public void SetPolicies(string principal, params string[] policies)
    {
        _policies[principal] = [.. policies.Select(json => PolicyParser.Parse(json, PolicyKind.Identity))];
        Interlocked.Increment(ref _generation);
    }

    public ValueTask<RoleDescription?> FindRoleAsync(string roleArn, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_roles.GetValueOrDefault(roleArn));

    public ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken)
    {
        if (_policies.TryGetValue(principalArn, out var direct))
        {
            return ValueTask.FromResult(direct);
        }

        var slash = principalArn.LastIndexOf('/');
        return ValueTask.FromResult(slash > 0 && _policies.TryGetValue(principalArn[..(slash + 1)], out var role) ? role : (IReadOnlyList<PolicyDocument>)[]);
    }

    /// <summary>An identity policy allowing <paramref name="actions"/> on <paramref name="resource"/>.</summary>
    public static string Allow(string resource, params string[] actions) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[{{string.Join(",", actions.Select(a => $"\"{a}\""))}}],"Resource":"{{resource}}"}]}""";
}
