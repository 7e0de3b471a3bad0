// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// A Principal or NotPrincipal element: <c>"*"</c>, or <c>{"AWS": ...}</c> (account ids, account root ARNs, user and
/// role ARNs, role session ARNs), <c>{"Service": ...}</c>, <c>{"Federated": ...}</c>, <c>{"CanonicalUser": ...}</c>.
/// An account id is held as its root ARN, as IAM shows it back.
/// </summary>
public sealed class PrincipalSet
{
    private readonly string[] _aws;
    private readonly string[] _services;
    private readonly string[] _federated;
    private readonly string[] _accounts;
    private readonly string[] _roleSessionPrefixes;

    internal PrincipalSet(bool isWildcard, string[] aws, string[] service, string[] federated, string[] canonicalUser)
    {
        IsWildcard = isWildcard;
        _aws = aws;
        _services = service;
        _federated = federated;
        Aws = Array.AsReadOnly(aws);
        Service = Array.AsReadOnly(service);
        Federated = Array.AsReadOnly(federated);
        CanonicalUser = Array.AsReadOnly(canonicalUser);
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
            return Contains(_services, service, StringComparison.OrdinalIgnoreCase) ? PrincipalMatch.Direct : PrincipalMatch.None;
        }

        if (request.FederatedProvider is { } provider)
        {
            return Contains(_federated, provider, StringComparison.Ordinal) ? PrincipalMatch.Direct : PrincipalMatch.None;
        }

        var principal = request.PrincipalArn;
        if (Contains(_aws, principal, StringComparison.Ordinal))
        {
            return PrincipalMatch.Direct;
        }

        foreach (var prefix in _roleSessionPrefixes)
        {
            if (principal.StartsWith(prefix, StringComparison.Ordinal))
            {
                return PrincipalMatch.Direct;
            }
        }

        return Contains(_accounts, request.PrincipalAccount, StringComparison.Ordinal) ? PrincipalMatch.Delegated : PrincipalMatch.None;
    }

    private static bool Contains(string[] values, string value, StringComparison comparison)
    {
        foreach (var candidate in values)
        {
            if (string.Equals(candidate, value, comparison))
            {
                return true;
            }
        }

        return false;
    }
}
