// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Hosting;
using Nimbus.Api.Lambda;
using Nimbus.Api.Wire;
using Nimbus.Core.Arns;
using Nimbus.Core.FunctionUrls;

namespace Nimbus.Api.FunctionUrls;

/// <summary>CreateFunctionUrlConfig, Get, Update, Delete and ListFunctionUrlConfigs (2021-10-31), on AWS's paths.</summary>
internal static class FunctionUrlEndpoints
{
    private const string Url = "/2021-10-31/functions/{functionName}/url";

    public static IEndpointRouteBuilder MapFunctionUrlEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Url, CreateAsync);
        routes.MapGet(Url, GetAsync);
        routes.MapPut(Url, UpdateAsync);
        routes.MapDelete(Url, DeleteAsync);
        routes.MapGet("/2021-10-31/functions/{functionName}/urls", ListAsync);
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, string functionName, FunctionUrlService urls, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.FunctionUrlRequestWire, RequestBody.DefaultLimit, "CreateFunctionUrlConfig", ct);
        var scope = scopes.For(context.Request);
        var config = await urls.CreateAsync(scope, functionName, Query.String(context.Request.Query, "Qualifier"), Change(request), ct);
        return Results.Json(ToWire(context.Request, scope, config) with { LastModifiedTime = null }, ApiJsonContext.Default.FunctionUrlConfigWire, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string functionName, FunctionUrlService urls, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        var config = await urls.GetAsync(scope, functionName, Query.String(context.Request.Query, "Qualifier"), context.RequestAborted);
        return Results.Json(ToWire(context.Request, scope, config), ApiJsonContext.Default.FunctionUrlConfigWire);
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, string functionName, FunctionUrlService urls, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.FunctionUrlRequestWire, RequestBody.DefaultLimit, "UpdateFunctionUrlConfig", ct);
        var scope = scopes.For(context.Request);
        var config = await urls.UpdateAsync(scope, functionName, Query.String(context.Request.Query, "Qualifier"), Change(request), ct);
        return Results.Json(ToWire(context.Request, scope, config), ApiJsonContext.Default.FunctionUrlConfigWire);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string functionName, FunctionUrlService urls, RequestScope scopes)
    {
        await urls.DeleteAsync(scopes.For(context.Request), functionName, Query.String(context.Request.Query, "Qualifier"), context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> ListAsync(HttpContext context, string functionName, FunctionUrlService urls, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        var query = context.Request.Query;
        var (configs, next) = await urls.ListAsync(scope, functionName, Query.String(query, "Marker"), Query.MaxItems(query), context.RequestAborted);
        var items = new List<FunctionUrlConfigWire>(configs.Count);
        foreach (var config in configs)
        {
            items.Add(ToWire(context.Request, scope, config));
        }

        return Results.Json(new ListFunctionUrlConfigsResponseWire { FunctionUrlConfigs = items, NextMarker = next }, ApiJsonContext.Default.ListFunctionUrlConfigsResponseWire);
    }

    private static FunctionUrlChange Change(FunctionUrlRequestWire request) => new()
    {
        AuthType = request.AuthType,
        InvokeMode = request.InvokeMode,
        Cors = request.Cors is { } cors
            ? new FunctionUrlCors
            {
                AllowCredentials = cors.AllowCredentials,
                AllowHeaders = cors.AllowHeaders,
                AllowMethods = cors.AllowMethods,
                AllowOrigins = cors.AllowOrigins,
                ExposeHeaders = cors.ExposeHeaders,
                MaxAge = cors.MaxAge,
            }
            : null,
    };

    private static FunctionUrlConfigWire ToWire(HttpRequest request, Scope scope, FunctionUrlConfig config) => new()
    {
        FunctionUrl = FunctionUrlAddress.Of(request, scope.Region, config.UrlId),
        FunctionArn = scope.FunctionArn(config.FunctionName, config.Qualifier == Core.Functions.FunctionVersion.Latest ? null : config.Qualifier),
        AuthType = config.AuthType,
        Cors = config.Cors is { } cors
            ? new CorsWire
            {
                AllowCredentials = cors.AllowCredentials,
                AllowHeaders = cors.AllowHeaders?.ToList(),
                AllowMethods = cors.AllowMethods?.ToList(),
                AllowOrigins = cors.AllowOrigins?.ToList(),
                ExposeHeaders = cors.ExposeHeaders?.ToList(),
                MaxAge = cors.MaxAge,
            }
            : null,
        CreationTime = Timestamp(config.CreationTime),
        LastModifiedTime = Timestamp(config.LastModifiedTime),
        InvokeMode = config.InvokeMode,
    };

    /// <summary>AWS's form for these timestamps: ISO 8601 with microseconds and Z (2021-10-31T18:12:17.263893Z).</summary>
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
