// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Permissions;
using Nimbus.Core.Validation;

namespace Nimbus.Api.Lambda;

/// <summary>AddPermission, RemovePermission and GetPolicy (2015-03-31) on functions, versions and aliases.</summary>
internal static class PermissionEndpoints
{
    private const string Policy = "/2015-03-31/functions/{functionName}/policy";

    public static IEndpointRouteBuilder MapPermissionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Policy, AddPermissionAsync);
        routes.MapGet(Policy, GetPolicyAsync);
        routes.MapDelete(Policy + "/{statementId}", RemovePermissionAsync);
        return routes;
    }

    private static async Task<IResult> AddPermissionAsync(HttpContext context, string functionName, FunctionPolicyService policies, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.AddPermissionRequestWire, RequestBody.DefaultLimit, "AddPermission", ct);
        var errors = new ValidationErrors();
        foreach (var (value, field) in (ReadOnlySpan<(string?, string)>)[(request.StatementId, "statementId"), (request.Action, "action"), (request.Principal, "principal")])
        {
            if (value is null)
            {
                errors.Add(null, field, "Member must not be null");
            }
        }

        errors.ThrowIfAny();
        var statement = new FunctionStatement
        {
            StatementId = request.StatementId!, // The three are checked just above.
            Action = request.Action!,
            Principal = request.Principal!,
            SourceArn = request.SourceArn,
            SourceAccount = request.SourceAccount,
            PrincipalOrgId = request.PrincipalOrgID,
            EventSourceToken = request.EventSourceToken,
            FunctionUrlAuthType = request.FunctionUrlAuthType,
            InvokedViaFunctionUrl = request.InvokedViaFunctionUrl,
        };
        var json = await policies.AddPermissionAsync(scopes.For(context.Request), functionName, Query.String(context.Request.Query, "Qualifier"), statement, request.RevisionId, ct);
        return Results.Json(new AddPermissionResponseWire { Statement = json }, ApiJsonContext.Default.AddPermissionResponseWire, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetPolicyAsync(HttpContext context, string functionName, FunctionPolicyService policies, RequestScope scopes)
    {
        var (policy, revision) = await policies.GetPolicyAsync(scopes.For(context.Request), functionName, Query.String(context.Request.Query, "Qualifier"), context.RequestAborted);
        return Results.Json(new GetPolicyResponseWire { Policy = policy, RevisionId = revision }, ApiJsonContext.Default.GetPolicyResponseWire);
    }

    private static async Task<IResult> RemovePermissionAsync(HttpContext context, string functionName, string statementId, FunctionPolicyService policies, RequestScope scopes)
    {
        var revision = Query.String(context.Request.Query, "RevisionId");
        await policies.RemovePermissionAsync(
            scopes.For(context.Request),
            functionName,
            Query.String(context.Request.Query, "Qualifier"),
            statementId,
            revision,
            context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }
}
