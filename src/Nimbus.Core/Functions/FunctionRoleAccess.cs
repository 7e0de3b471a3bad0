// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access;
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Arns;

namespace Nimbus.Core.Functions;

/// <summary>
/// What Lambda may do on a function's behalf: it acts as the function's execution role, in the role session the
/// function's environments get (<c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION</c>), so the role's policies decide
/// whether an event source mapping may read its queue or an asynchronous invocation may reach its destination. With
/// Auth=off (<paramref name="everythingAllowed"/>) everything is allowed, as for every caller.
/// </summary>
public sealed class FunctionRoleAccess(Authorizer authorizer, bool everythingAllowed = false)
{
    /// <summary>The role session of <paramref name="functionName"/>'s environments.</summary>
    public static string SessionArn(string account, string roleArn, string functionName) =>
        $"arn:{Scope.Partition}:sts::{account}:assumed-role/{RoleName(roleArn)}/{functionName}";

    /// <summary>The role's name: the last segment of its ARN's path (arn:aws:iam::123456789012:role/service/name → name).</summary>
    public static string RoleName(string roleArn)
    {
        ArgumentNullException.ThrowIfNull(roleArn);
        var slash = roleArn.LastIndexOf('/');
        return slash >= 0 ? roleArn[(slash + 1)..] : roleArn;
    }

    /// <summary>Whether the function's role may perform <paramref name="action"/> on <paramref name="resource"/>.</summary>
    public async ValueTask<AuthorizationResult> EvaluateAsync(Scope scope, FunctionVersion function, string action, string resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(function);
        if (everythingAllowed)
        {
            return new AuthorizationResult(PolicyDecision.Allow, DecisionReason.AllowedAsAccountRoot, null);
        }

        var session = CallerIdentity.ForArn(SessionArn(scope.Account, function.Role, function.Name), scope.Account);
        return await authorizer.EvaluateAsync(session, RequestOrigin.Internal(scope.Region), action, resource, cancellationToken);
    }

    /// <summary>The AccessDenied text of a refused <paramref name="action"/>, as the role's own call would get it; null when allowed.</summary>
    public async ValueTask<string?> DeniedAsync(Scope scope, FunctionVersion function, string action, string resource, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(scope, function, action, resource, cancellationToken);
        return result.IsAllowed
            ? null
            : AccessDeniedMessage.Format(SessionArn(scope.Account, function.Role, function.Name), action, resource, result.Reason);
    }
}
