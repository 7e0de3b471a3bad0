// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// AWS's AccessDeniedException text for a denial (IAM User Guide, troubleshoot_access-denied): "User: USER is not
/// authorized to perform: ACTION on resource: RESOURCE" followed by "because no TYPE policy allows the ACTION action"
/// for an implicit deny, or "with an explicit deny in a TYPE policy" for an explicit one, TYPE being identity-based or
/// resource-based.
/// </summary>
public static class AccessDeniedMessage
{
    public static string Format(RequestContext request, AuthorizationResult result)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Format(request.PrincipalArn, request.Action, request.Resource, result.Reason);
    }

    public static string Format(string principalArn, string action, string resource, DecisionReason reason)
    {
        var clause = reason switch
        {
            DecisionReason.NoIdentityPolicyAllows => $"because no identity-based policy allows the {action} action",
            DecisionReason.NoResourcePolicyAllows => $"because no resource-based policy allows the {action} action",
            DecisionReason.ExplicitDenyInIdentityPolicy => "with an explicit deny in an identity-based policy",
            DecisionReason.ExplicitDenyInResourcePolicy => "with an explicit deny in a resource-based policy",
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a denial."),
        };
        return $"User: {principalArn} is not authorized to perform: {action} on resource: {resource} {clause}";
    }
}
