// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Lambda;

/// <summary>
/// PutFunctionConcurrency and DeleteFunctionConcurrency (API version 2017-10-31), GetFunctionConcurrency
/// (2019-09-30): reserved concurrency, on AWS's paths.
/// </summary>
internal static class ConcurrencyEndpoints
{
    public static IEndpointRouteBuilder MapConcurrencyEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPut("/2017-10-31/functions/{functionName}/concurrency", PutAsync);
        routes.MapDelete("/2017-10-31/functions/{functionName}/concurrency", DeleteAsync);
        routes.MapGet("/2019-09-30/functions/{functionName}/concurrency", GetAsync);
        return routes;
    }

    private static async Task<IResult> PutAsync(HttpContext context, string functionName, ConcurrencyService concurrency, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.PutFunctionConcurrency, scope, functionName, null, qualified: false);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.ConcurrencyWire, RequestBody.DefaultLimit, "PutFunctionConcurrency", ct);
        var reserved = await concurrency.PutConcurrencyAsync(scope, functionName, request.ReservedConcurrentExecutions, ct);
        return Results.Json(new ConcurrencyWire { ReservedConcurrentExecutions = reserved }, ApiJsonContext.Default.ConcurrencyWire);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string functionName, ConcurrencyService concurrency, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.GetFunctionConcurrency, scope, functionName, null, qualified: false);
        var reserved = await concurrency.GetConcurrencyAsync(scope, functionName, context.RequestAborted);
        return Results.Json(new ConcurrencyWire { ReservedConcurrentExecutions = reserved }, ApiJsonContext.Default.ConcurrencyWire);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string functionName, ConcurrencyService concurrency, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.DeleteFunctionConcurrency, scope, functionName, null, qualified: false);
        await concurrency.DeleteConcurrencyAsync(scope, functionName, context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }
}
