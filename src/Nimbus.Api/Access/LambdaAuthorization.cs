// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Permissions;

namespace Nimbus.Api.Access;

/// <summary>
/// The Lambda API's authorization calls: each operation asks for its action (<see cref="LambdaActions"/>) on the
/// resource AWS checks, named as AWS prints it in a denial: a plain name or partial ARN is made the full function ARN
/// first, with the qualifier the request names where AWS checks the qualified ARN (Invoke, GetFunction ...). The
/// check comes before the resource is looked up, so a caller without permission learns nothing of whether it exists.
/// </summary>
internal static class LambdaAuthorization
{
    private const string LambdaService = "lambda.amazonaws.com";

    /// <summary>
    /// Checks <paramref name="action"/> on the function <paramref name="functionName"/> names (a name, partial or full
    /// ARN, maybe with a qualifier), qualified by the qualifier when <paramref name="qualified"/> (else the unqualified
    /// ARN). A name Lambda cannot parse is left to the operation, which fails on it with its own (complete)
    /// validation message before it reads or changes anything; null then.
    /// </summary>
    public static async ValueTask<FunctionReference?> AuthorizeFunctionAsync(
        this HttpContext context,
        string action,
        Scope scope,
        string functionName,
        string? qualifier,
        bool qualified,
        bool forWrite = false,
        ContextKeys? keys = null)
    {
        if (IsAccountRoot(context))
        {
            // The root skips the check; the audit trail still names the function (when it is recording this call).
            if (context.Features.Get<Audit.AuditEntry>() is not null)
            {
                NoteFunction(context, functionName, qualifier, scope, qualified, forWrite);
            }

            return null;
        }

        FunctionReference reference;
        try
        {
            reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite);
        }
        catch (LambdaException)
        {
            return null;
        }

        // The function's own policy for the qualifier checked can grant (or deny) the action too, as AWS's GetPolicy
        // statements for lambda:GetFunction and the like do; within the account an Allow in either policy suffices.
        var policies = context.RequestServices.GetService<IFunctionPolicySource>();
        var policy = policies is null
            ? null
            : await policies.FindAsync(reference.Scope, reference.Name, qualified ? reference.Qualifier ?? FunctionVersion.Latest : FunctionVersion.Latest, context.RequestAborted);
        await context.AuthorizeAsync(action, qualified ? reference.Arn : reference.UnqualifiedArn, keys, policy);
        return reference;
    }

    private static void NoteFunction(HttpContext context, string functionName, string? qualifier, Scope scope, bool qualified, bool forWrite)
    {
        try
        {
            var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite);
            Audit.AuditEntry.NoteResource(context, qualified ? reference.Arn : reference.UnqualifiedArn);
        }
        catch (LambdaException)
        {
            // A name Lambda cannot parse names no resource; the operation answers it.
        }
    }

    /// <summary>
    /// Checks <paramref name="action"/> on <paramref name="resource"/> for any caller but the account root, which may do
    /// everything in its account and needs no identity-based permission anywhere: a resource of another account (a
    /// shared layer version) is for that resource's own policy, which the operation checks.
    /// </summary>
    public static ValueTask AuthorizeResourceAsync(this HttpContext context, string action, string resource, ContextKeys? keys = null) =>
        IsAccountRoot(context) ? ValueTask.CompletedTask : context.AuthorizeAsync(action, resource, keys);

    /// <summary>The account's root user: the caller with Auth=off, or signing with the root key.</summary>
    public static bool IsAccountRoot(HttpContext context) => context.Caller().PrincipalType == CallerIdentity.AccountType;

    /// <summary>The lambda:Layer condition key of CreateFunction and UpdateFunctionConfiguration: the layer version ARNs given.</summary>
    public static ContextKeys? LayerKeys(IReadOnlyList<string>? layers) =>
        layers is null ? null : new ContextKeys().Set(LambdaActions.LayerKey, ContextValue.Of(layers));

    /// <summary>
    /// iam:PassRole on the execution role a request hands to Lambda (CreateFunction, UpdateFunctionConfiguration with
    /// a Role), with iam:PassedToService = lambda.amazonaws.com, as AWS checks it for the caller.
    /// </summary>
    public static ValueTask AuthorizePassRoleAsync(this HttpContext context, string? roleArn)
    {
        if (string.IsNullOrEmpty(roleArn))
        {
            return ValueTask.CompletedTask;
        }

        return context.AuthorizeAsync(LambdaActions.PassRole, roleArn, new ContextKeys().Set(LambdaActions.PassedToServiceKey, LambdaService));
    }

    /// <summary>Checks a mapping action on the mapping's ARN, with lambda:FunctionArn the function it invokes.</summary>
    public static ValueTask AuthorizeMappingAsync(this HttpContext context, string action, string mappingArn, string functionArn) =>
        context.AuthorizeAsync(action, mappingArn, new ContextKeys().Set(LambdaActions.FunctionArnKey, functionArn));

    /// <summary><c>arn:aws:lambda:R:A:event-source-mapping:UUID</c>.</summary>
    public static string MappingArn(Scope scope, string uuid) =>
        $"arn:{Scope.Partition}:lambda:{scope.Region}:{scope.Account}:event-source-mapping:{uuid}";
}
