// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;

namespace Nimbus.Api.Iam;

/// <summary>STS's operations (Version 2011-06-15): GetCallerIdentity and AssumeRole.</summary>
internal static class StsOperations
{
    public static Func<IamCall, Task>? Find(string action) => action switch
    {
        "GetCallerIdentity" => GetCallerIdentityAsync,
        "AssumeRole" => AssumeRoleAsync,
        _ => null,
    };

    /// <summary>Needs no permission, as on AWS: every authenticated caller may ask who it is.</summary>
    private static Task GetCallerIdentityAsync(IamCall call)
    {
        var caller = call.Caller;
        call.Output.Element("UserId", caller.UserId).Element("Account", caller.Account).Element("Arn", caller.Arn);
        return Task.CompletedTask;
    }

    /// <summary>
    /// sts:AssumeRole on the role, with its trust policy as the resource-based policy: a principal the trust policy
    /// names is allowed by it alone; one it admits only through its account (the account's root) needs an identity-based
    /// Allow too. A role that does not exist is refused like one that does not trust the caller, as STS does. With
    /// Auth=off every role is assumable.
    /// </summary>
    private static async Task AssumeRoleAsync(IamCall call)
    {
        var (roleArn, sessionName, duration) = StsService.ValidateAssumeRole(call["RoleArn"], call["RoleSessionName"], call["DurationSeconds"]);
        var services = call.Context.RequestServices;
        var authenticate = services.GetRequiredService<IOptions<ApiOptions>>().Value.Authenticate;
        var caller = call.Caller;
        if (authenticate && caller.PrincipalType == CallerIdentity.AccountType)
        {
            // STS's refusal of the root user's credentials.
            throw new IamException(AccessDeniedException.QueryCode, AccessDeniedException.StatusCode, "Roles may not be assumed by root accounts.");
        }

        var role = await services.GetRequiredService<IRoleDirectory>().FindRoleAsync(roleArn, call.Aborted);
        if (role is null)
        {
            throw new AccessDeniedException(caller.Arn, StsService.AssumeRoleAction, roleArn, DecisionReason.NoResourcePolicyAllows);
        }

        var sts = services.GetRequiredService<StsService>();
        if (authenticate)
        {
            if (!sts.TrustAdmits(role, caller, call.Context.Origin()))
            {
                throw new AccessDeniedException(caller.Arn, StsService.AssumeRoleAction, role.Arn, DecisionReason.NoResourcePolicyAllows);
            }

            await call.Context.AuthorizeAsync(StsService.AssumeRoleAction, role.Arn, resourcePolicy: role.TrustPolicy);
        }

        var session = await sts.AssumeRoleAsync(role, sessionName, duration, call.Aborted);
        call.Output.Start("Credentials")
            .Element("AccessKeyId", session.AccessKeyId)
            .Element("SecretAccessKey", session.SecretAccessKey)
            .Element("SessionToken", session.SessionToken)
            .Element("Expiration", session.Expiration!.Value) // sessions always expire.
            .End("Credentials")
            .Start("AssumedRoleUser")
            .Element("AssumedRoleId", $"{role.RoleId}:{sessionName}")
            .Element("Arn", session.PrincipalArn)
            .End("AssumedRoleUser");
    }
}
