// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Functions;

/// <summary>
/// Whether Lambda may assume a function's execution role: the role must exist and its trust policy must let the
/// service principal <c>lambda.amazonaws.com</c> perform <c>sts:AssumeRole</c>. CreateFunction and
/// UpdateFunctionConfiguration refuse any other role with AWS's 400 InvalidParameterValueException. With Auth=off
/// (<paramref name="everyRoleAssumable"/>) every role is assumable, named or not.
/// </summary>
public sealed class ExecutionRoles(IRoleDirectory roles, bool everyRoleAssumable = false)
{
    public const string LambdaService = "lambda.amazonaws.com";
    public const string AssumeRoleAction = "sts:AssumeRole";
    public const string CannotAssumeMessage = "The role defined for the function cannot be assumed by Lambda.";

    public bool EveryRoleAssumable => everyRoleAssumable;

    /// <summary>Throws InvalidParameterValueException unless Lambda may assume <paramref name="roleArn"/>.</summary>
    public async ValueTask RequireAssumableAsync(string roleArn, CancellationToken cancellationToken)
    {
        if (everyRoleAssumable)
        {
            return;
        }

        var role = await roles.FindRoleAsync(roleArn, cancellationToken);
        if (role is null || !Trusts(role, LambdaService))
        {
            throw LambdaErrors.InvalidParameter(CannotAssumeMessage);
        }
    }

    /// <summary>Whether the role's trust policy lets <paramref name="service"/> assume it (a resource-based policy on the role).</summary>
    public static bool Trusts(RoleDescription role, string service)
    {
        ArgumentNullException.ThrowIfNull(role);
        var request = new RequestContext(service, AssumeRoleAction, role.Arn)
        {
            ServicePrincipal = service,

            // A service acts for the role's own account: its trust policy alone decides.
            PrincipalAccount = RequestContext.AccountOf(role.Arn),
        };
        return PolicyEvaluator.Evaluate(request, [], role.TrustPolicy).IsAllowed;
    }
}
