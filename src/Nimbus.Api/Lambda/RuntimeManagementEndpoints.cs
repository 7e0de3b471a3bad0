// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Lambda;

/// <summary>PutRuntimeManagementConfig and GetRuntimeManagementConfig (API version 2021-07-20), on AWS's path.</summary>
internal static class RuntimeManagementEndpoints
{
    private const string Path = "/2021-07-20/functions/{functionName}/runtime-management-config";

    public static IEndpointRouteBuilder MapRuntimeManagementEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPut(Path, PutAsync);
        routes.MapGet(Path, GetAsync);
        return routes;
    }

    private static async Task<IResult> PutAsync(HttpContext context, string functionName, FunctionService functions, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var scope = scopes.For(context.Request);
        var qualifier = Query.String(context.Request.Query, "Qualifier");
        await context.AuthorizeFunctionAsync(LambdaActions.PutRuntimeManagementConfig, scope, functionName, qualifier, qualified: true, forWrite: true);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.RuntimeManagementWire, RequestBody.DefaultLimit, "PutRuntimeManagementConfig", ct);
        var config = await functions.PutRuntimeManagementConfigAsync(scope, functionName, qualifier, request.UpdateRuntimeOn, request.RuntimeVersionArn, ct);
        return Results.Json(ToWire(config), ApiJsonContext.Default.RuntimeManagementWire);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string functionName, FunctionService functions, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        var qualifier = Query.String(context.Request.Query, "Qualifier");
        await context.AuthorizeFunctionAsync(LambdaActions.GetRuntimeManagementConfig, scope, functionName, qualifier, qualified: true);
        var config = await functions.GetRuntimeManagementConfigAsync(scope, functionName, qualifier, context.RequestAborted);
        return Results.Json(ToWire(config), ApiJsonContext.Default.RuntimeManagementWire);
    }

    private static RuntimeManagementWire ToWire(RuntimeManagementConfig config) => new()
    {
        UpdateRuntimeOn = config.UpdateRuntimeOn,
        FunctionArn = config.FunctionArn,
        RuntimeVersionArn = config.RuntimeVersionArn,
    };
}
