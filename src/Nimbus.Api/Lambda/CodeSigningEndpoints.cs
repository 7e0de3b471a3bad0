// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Lambda;

/// <summary>GetFunctionCodeSigningConfig (API version 2020-06-30), on AWS's path; code signing configurations themselves are not served.</summary>
internal static class CodeSigningEndpoints
{
    public static IEndpointRouteBuilder MapCodeSigningEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/2020-06-30/functions/{functionName}/code-signing-config", GetAsync);
        return routes;
    }

    private static async Task<IResult> GetAsync(HttpContext context, string functionName, FunctionService functions, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.GetFunctionCodeSigningConfig, scope, functionName, null, qualified: false);
        var name = await functions.GetCodeSigningConfigAsync(scope, functionName, context.RequestAborted);
        return Results.Json(new FunctionCodeSigningWire { CodeSigningConfigArn = "", FunctionName = name }, ApiJsonContext.Default.FunctionCodeSigningWire);
    }
}
