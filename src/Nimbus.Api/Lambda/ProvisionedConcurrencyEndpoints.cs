// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Lambda;

/// <summary>Provisioned concurrency of the Lambda REST API (2019-09-30 paths), with AWS's status codes.</summary>
internal static class ProvisionedConcurrencyEndpoints
{
    private const string Path = "/2019-09-30/functions/{functionName}/provisioned-concurrency";

    public static IEndpointRouteBuilder MapProvisionedConcurrencyEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPut(Path, PutAsync);
        routes.MapGet(Path, GetOrListAsync);
        routes.MapDelete(Path, DeleteAsync);
        return routes;
    }

    private static async Task<IResult> PutAsync(HttpContext context, string functionName, ConcurrencyService concurrency, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.PutProvisionedConcurrencyConfig, scope, functionName, Query.String(context.Request.Query, "Qualifier"), qualified: true);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.PutProvisionedConcurrencyConfigRequestWire, RequestBody.DefaultLimit, "PutProvisionedConcurrencyConfig", ct);
        var config = await concurrency.PutProvisionedConcurrencyAsync(scope, functionName, Query.String(context.Request.Query, "Qualifier"), request.ProvisionedConcurrentExecutions, ct);
        return Results.Json(ToWire(scope, config, withArn: false), ApiJsonContext.Default.ProvisionedConcurrencyConfigWire, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>GetProvisionedConcurrencyConfig, or ListProvisionedConcurrencyConfigs when the query has List=ALL.</summary>
    private static async Task<IResult> GetOrListAsync(HttpContext context, string functionName, ConcurrencyService concurrency, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var scope = scopes.For(context.Request);
        if (Query.String(query, "List") is "ALL")
        {
            await context.AuthorizeFunctionAsync(LambdaActions.ListProvisionedConcurrencyConfigs, scope, functionName, null, qualified: false);
            var maxItems = Query.MaxItems(query);
            var configs = await concurrency.ListProvisionedConcurrencyAsync(scope, functionName, ct);
            var items = new List<ProvisionedConcurrencyConfigWire>(configs.Count);
            foreach (var config in configs)
            {
                items.Add(ToWire(scope, config, withArn: true));
            }

            // One function has few configs (one per version or alias); a page holds up to 50, like AWS's.
            var limit = Math.Clamp(maxItems ?? 50, 1, 50);
            var start = Query.String(query, "Marker") is { } marker && int.TryParse(marker, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
            var page = items.Skip(start).Take(limit).ToList();
            var next = start + page.Count < items.Count ? (start + page.Count).ToString(CultureInfo.InvariantCulture) : null;
            return Results.Json(new ListProvisionedConcurrencyConfigsResponseWire { ProvisionedConcurrencyConfigs = page, NextMarker = next }, ApiJsonContext.Default.ListProvisionedConcurrencyConfigsResponseWire);
        }

        await context.AuthorizeFunctionAsync(LambdaActions.GetProvisionedConcurrencyConfig, scope, functionName, Query.String(query, "Qualifier"), qualified: true);
        var found = await concurrency.GetProvisionedConcurrencyAsync(scope, functionName, Query.String(query, "Qualifier"), ct);
        return Results.Json(ToWire(scope, found, withArn: false), ApiJsonContext.Default.ProvisionedConcurrencyConfigWire);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string functionName, ConcurrencyService concurrency, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        var qualifier = Query.String(context.Request.Query, "Qualifier");
        await context.AuthorizeFunctionAsync(LambdaActions.DeleteProvisionedConcurrencyConfig, scope, functionName, qualifier, qualified: true);
        await concurrency.DeleteProvisionedConcurrencyAsync(scope, functionName, qualifier, context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static ProvisionedConcurrencyConfigWire ToWire(Scope scope, ProvisionedConcurrencyConfig config, bool withArn) => new()
    {
        FunctionArn = withArn ? scope.FunctionArn(config.FunctionName, config.Qualifier) : null,
        RequestedProvisionedConcurrentExecutions = config.Requested,
        AvailableProvisionedConcurrentExecutions = config.Available,
        AllocatedProvisionedConcurrentExecutions = config.Allocated,
        Status = config.Status,
        StatusReason = config.StatusReason,

        // AWS reports these to the second: 2019-12-31T20:28:49+0000.
        LastModified = config.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture),
    };
}
