// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Layers;

/// <summary>
/// The IAM policy document Lambda builds from a layer version's statements (<see cref="ResourcePolicyWriter"/>'s
/// shape, shared with function policies); an organization becomes an <c>aws:PrincipalOrgID</c> condition.
/// </summary>
public static class LayerPolicyDocument
{
    public static string Statement(LayerVersion layer, LayerStatement permission)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return ResourcePolicyWriter.Statement(ToStatement(permission), layer.LayerVersionArn);
    }

    public static string Document(LayerVersion layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return ResourcePolicyWriter.Document(layer.Permissions.Select(ToStatement), layer.LayerVersionArn);
    }

    /// <summary>True when a statement lets <paramref name="account"/> use the layer version.</summary>
    public static bool Allows(LayerVersion layer, string account)
    {
        ArgumentNullException.ThrowIfNull(layer);
        foreach (var permission in layer.Permissions)
        {
            // An organization condition cannot be evaluated without AWS Organizations: such a grant does not match.
            if (permission.OrganizationId is null
                && (permission.Principal == "*" || permission.Principal == account || permission.Principal == ResourcePolicyWriter.RootArn(account)))
            {
                return true;
            }
        }

        return false;
    }

    private static ResourceStatement ToStatement(LayerStatement permission) => new(
        permission.StatementId,
        permission.Principal,
        permission.Action,
        permission.OrganizationId is { } organization ? [new StatementCondition("StringEquals", "aws:PrincipalOrgID", organization)] : []);
}
