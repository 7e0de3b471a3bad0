// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Lambda;

/// <summary>Versions and aliases of the Lambda REST API 2015-03-31, on AWS's paths and status codes.</summary>
internal static class VersionEndpoints
{
    private const string Function = "/2015-03-31/functions/{functionName}";

    public static IEndpointRouteBuilder MapVersionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Function + "/versions", PublishAsync);
        routes.MapGet(Function + "/versions", ListVersionsAsync);
        routes.MapPost(Function + "/aliases", CreateAliasAsync);
        routes.MapGet(Function + "/aliases", ListAliasesAsync);
        routes.MapGet(Function + "/aliases/{aliasName}", GetAliasAsync);
        routes.MapPut(Function + "/aliases/{aliasName}", UpdateAliasAsync);
        routes.MapDelete(Function + "/aliases/{aliasName}", DeleteAliasAsync);
        return routes;
    }

    private static async Task<IResult> PublishAsync(HttpContext context, string functionName, VersionService versions, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.PublishVersion, scope, functionName, null, qualified: false);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.PublishVersionRequestWire, RequestBody.DefaultLimit, "PublishVersion", ct);
        var version = await versions.PublishVersionAsync(scope, functionName, request.CodeSha256, request.Description, request.RevisionId, ct);
        return Results.Json(WireMapper.ToWire(scope, version, version.Version), ApiJsonContext.Default.FunctionConfigurationWire, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListVersionsAsync(HttpContext context, string functionName, VersionService versions, RequestScope scopes)
    {
        var query = context.Request.Query;
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.ListVersionsByFunction, scope, functionName, null, qualified: false);
        var page = await versions.ListVersionsAsync(scope, functionName, Query.String(query, "Marker"), Query.MaxItems(query), context.RequestAborted);
        var items = new List<FunctionConfigurationWire>(page.Functions.Count);
        foreach (var version in page.Functions)
        {
            // Every listed version has a qualified ARN, $LATEST included.
            items.Add(WireMapper.ForList(WireMapper.ToWire(scope, version, version.Version)));
        }

        return Results.Json(new ListVersionsByFunctionResponseWire { Versions = items, NextMarker = page.NextMarker }, ApiJsonContext.Default.ListVersionsByFunctionResponseWire);
    }

    private static async Task<IResult> CreateAliasAsync(HttpContext context, string functionName, VersionService versions, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.CreateAlias, scope, functionName, null, qualified: false);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.CreateAliasRequestWire, RequestBody.DefaultLimit, "CreateAlias", ct);
        var change = new AliasChange
        {
            FunctionVersion = request.FunctionVersion,
            Description = request.Description,
            AdditionalVersionWeights = WireMapper.ToWeights(request.RoutingConfig),
        };
        var alias = await versions.CreateAliasAsync(scope, functionName, request.Name, change, ct);
        return Results.Json(WireMapper.ToWire(scope, alias), ApiJsonContext.Default.AliasConfigurationWire, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAliasesAsync(HttpContext context, string functionName, VersionService versions, RequestScope scopes)
    {
        var query = context.Request.Query;
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.ListAliases, scope, functionName, null, qualified: false);
        var page = await versions.ListAliasesAsync(scope, functionName, Query.String(query, "FunctionVersion"), Query.String(query, "Marker"), Query.MaxItems(query), context.RequestAborted);
        var items = new List<AliasConfigurationWire>(page.Aliases.Count);
        foreach (var alias in page.Aliases)
        {
            items.Add(WireMapper.ToWire(scope, alias));
        }

        return Results.Json(new ListAliasesResponseWire { Aliases = items, NextMarker = page.NextMarker }, ApiJsonContext.Default.ListAliasesResponseWire);
    }

    private static async Task<IResult> GetAliasAsync(HttpContext context, string functionName, string aliasName, VersionService versions, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.GetAlias, scope, functionName, null, qualified: false);
        var alias = await versions.GetAliasAsync(scope, functionName, aliasName, context.RequestAborted);
        return Results.Json(WireMapper.ToWire(scope, alias), ApiJsonContext.Default.AliasConfigurationWire);
    }

    private static async Task<IResult> UpdateAliasAsync(HttpContext context, string functionName, string aliasName, VersionService versions, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.UpdateAlias, scope, functionName, null, qualified: false);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.UpdateAliasRequestWire, RequestBody.DefaultLimit, "UpdateAlias", ct);
        var change = new AliasChange
        {
            FunctionVersion = request.FunctionVersion,
            Description = request.Description,
            AdditionalVersionWeights = WireMapper.ToWeights(request.RoutingConfig),
            RevisionId = request.RevisionId,
        };
        var alias = await versions.UpdateAliasAsync(scope, functionName, aliasName, change, ct);
        return Results.Json(WireMapper.ToWire(scope, alias), ApiJsonContext.Default.AliasConfigurationWire);
    }

    private static async Task<IResult> DeleteAliasAsync(HttpContext context, string functionName, string aliasName, VersionService versions, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.DeleteAlias, scope, functionName, null, qualified: false);
        await versions.DeleteAliasAsync(scope, functionName, aliasName, context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }
}
