// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// A Principal or NotPrincipal element: <c>"*"</c>, or <c>{"AWS": ...}</c> (account ids, account root ARNs, user and
/// role ARNs, role session ARNs), <c>{"Service": ...}</c>, <c>{"Federated": ...}</c>, <c>{"CanonicalUser": ...}</c>.
/// An account id is held as its root ARN, as IAM shows it back.
/// </summary>
public sealed class PrincipalSet
{
    private readonly string[] _accounts;
    private readonly string[] _roleSessionPrefixes;

    internal PrincipalSet(bool isWildcard, string[] aws, string[] service, string[] federated, string[] canonicalUser)
    {
        IsWildcard = isWildcard;
        Aws = aws;
        Service = service;
        Federated = federated;
        CanonicalUser = canonicalUser;
        var accounts = new List<string>();
        var sessions = new List<string>();
        foreach (var arn in aws)
        {
            var account = RequestContext.AccountOf(arn);
            if (arn.EndsWith(":root", StringComparison.Ordinal) && arn.StartsWith("arn:", StringComparison.Ordinal))
            {
                accounts.Add(account);
            }
            else if (arn.Split(':', 6) is [_, var partition, "iam", _, _, var resource] && resource.StartsWith("role/", StringComparison.Ordinal))
            {
                // A role's sessions are arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION, the role's path left out.
                sessions.Add($"arn:{partition}:sts::{account}:assumed-role/{resource[(resource.LastIndexOf('/') + 1)..]}/");
            }
        }

        _accounts = [.. accounts];
        _roleSessionPrefixes = [.. sessions];
    }

    public bool IsWildcard { get; }

    public IReadOnlyList<string> Aws { get; }

    public IReadOnlyList<string> Service { get; }

    public IReadOnlyList<string> Federated { get; }

    public IReadOnlyList<string> CanonicalUser { get; }

    internal PrincipalMatch Match(RequestContext request)
    {
        if (IsWildcard)
        {
            return PrincipalMatch.Direct;
        }

        if (request.ServicePrincipal is { } service)
        {
            return Contains(Service, service, StringComparison.OrdinalIgnoreCase) ? PrincipalMatch.Direct : PrincipalMatch.None;
        }

        if (request.FederatedProvider is { } provider)
        {
            return Contains(Federated, provider, StringComparison.Ordinal) ? PrincipalMatch.Direct : PrincipalMatch.None;
        }

        var principal = request.PrincipalArn;
        if (Contains(Aws, principal, StringComparison.Ordinal))
        {
            return PrincipalMatch.Direct;
        }

        foreach (var prefix in _roleSessionPrefixes)
        {
            if (principal.StartsWith(prefix, StringComparison.Ordinal))
            {
                return PrincipalMatch.Delegated;
            }
        }

        return Contains(_accounts, request.PrincipalAccount, StringComparison.Ordinal) ? PrincipalMatch.Delegated : PrincipalMatch.None;
    }

    private static bool Contains(IReadOnlyList<string> values, string value, StringComparison comparison)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, comparison))
            {
                return true;
            }
        }

        return false;
    }
}
