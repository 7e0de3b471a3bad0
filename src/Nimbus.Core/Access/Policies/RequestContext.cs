// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// One authorization question: may <see cref="PrincipalArn"/> perform <see cref="Action"/> (<c>service:Action</c>) on
/// <see cref="Resource"/> (an ARN, or <c>*</c> for actions without one), given the condition <see cref="Keys"/>.
/// </summary>
public sealed class RequestContext
{
    public RequestContext(string principalArn, string action, string resource, ContextKeys? keys = null)
    {
        PrincipalArn = principalArn;
        Action = action;
        Resource = resource;
        Keys = keys ?? new ContextKeys();
        PrincipalAccount = AccountOf(principalArn);
        ResourceAccount = AccountOf(resource) is { Length: > 0 } owner ? owner : PrincipalAccount;
    }

    public string PrincipalArn { get; }

    public string Action { get; }

    public string Resource { get; }

    public ContextKeys Keys { get; }

    /// <summary>The caller's account, from its ARN unless set.</summary>
    public string PrincipalAccount { get; init; }

    /// <summary>The account that owns the resource, from its ARN (the caller's when the ARN has none) unless set;
    /// another account than the caller's makes the request cross-account.</summary>
    public string ResourceAccount { get; init; }

    /// <summary>The service acting, when a service principal (<c>lambda.amazonaws.com</c>) makes the request.</summary>
    public string? ServicePrincipal { get; init; }

    /// <summary>An unsigned request (<see cref="CallerIdentity.Anonymous"/>): only a resource-based Allow for everyone
    /// grants it.</summary>
    public bool IsAnonymous { get; init; }

    /// <summary>The identity provider, when a federated principal makes the request.</summary>
    public string? FederatedProvider { get; init; }

    /// <summary>The fifth segment of an ARN (the account), or empty.</summary>
    public static string AccountOf(string arn)
    {
        var span = arn.AsSpan();
        var start = 0;
        for (var i = 0; i < 4; i++)
        {
            var colon = span[start..].IndexOf(':');
            if (colon < 0)
            {
                return string.Empty;
            }

            start += colon + 1;
        }

        var end = span[start..].IndexOf(':');
        return end < 0 ? string.Empty : arn.Substring(start, end);
    }
}
