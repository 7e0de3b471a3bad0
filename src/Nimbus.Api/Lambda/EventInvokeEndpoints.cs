// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Lambda;

/// <summary>Asynchronous invocation settings (2019-09-25) and the recursion config (2024-08-31), on AWS's paths.</summary>
internal static class EventInvokeEndpoints
{
    private const string Config = "/2019-09-25/functions/{functionName}/event-invoke-config";
    private const string Recursion = "/2024-08-31/functions/{functionName}/recursion-config";

    public static IEndpointRouteBuilder MapEventInvokeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPut(Config, (HttpContext c, string functionName, EventInvokeConfigService f, RequestScope s) => SaveAsync(c, functionName, f, s, replace: true));
        routes.MapPost(Config, (HttpContext c, string functionName, EventInvokeConfigService f, RequestScope s) => SaveAsync(c, functionName, f, s, replace: false));
        routes.MapGet(Config, GetAsync);
        routes.MapDelete(Config, DeleteAsync);
        routes.MapGet(Config + "/list", ListAsync);
        routes.MapPut(Recursion, PutRecursionAsync);
        routes.MapGet(Recursion, GetRecursionAsync);
        return routes;
    }

    private static async Task<IResult> SaveAsync(HttpContext context, string functionName, EventInvokeConfigService invokeConfigs, RequestScope scopes, bool replace)
    {
        var ct = context.RequestAborted;
        var operation = replace ? "PutFunctionEventInvokeConfig" : "UpdateFunctionEventInvokeConfig";
        var scope = scopes.For(context.Request);
        var qualifier = Query.String(context.Request.Query, "Qualifier");
        await context.AuthorizeFunctionAsync(
            replace ? LambdaActions.PutFunctionEventInvokeConfig : LambdaActions.UpdateFunctionEventInvokeConfig, scope, functionName, qualifier, qualified: true);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.EventInvokeConfigRequestWire, RequestBody.DefaultLimit, operation, ct);
        var change = new EventInvokeConfigChange
        {
            MaximumRetryAttempts = request.MaximumRetryAttempts,
            MaximumEventAgeInSeconds = request.MaximumEventAgeInSeconds,
            HasDestinationConfig = request.DestinationConfig is not null,
            OnSuccess = request.DestinationConfig?.OnSuccess?.Destination ?? "",
            OnFailure = request.DestinationConfig?.OnFailure?.Destination ?? "",
        };
        var config = replace
            ? await invokeConfigs.PutEventInvokeConfigAsync(scope, functionName, qualifier, change, ct)
            : await invokeConfigs.UpdateEventInvokeConfigAsync(scope, functionName, qualifier, change, ct);
        return Results.Json(ToWire(scope, config), ApiJsonContext.Default.EventInvokeConfigWire);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string functionName, EventInvokeConfigService invokeConfigs, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        var qualifier = Query.String(context.Request.Query, "Qualifier");
        await context.AuthorizeFunctionAsync(LambdaActions.GetFunctionEventInvokeConfig, scope, functionName, qualifier, qualified: true);
        var config = await invokeConfigs.GetEventInvokeConfigAsync(scope, functionName, qualifier, context.RequestAborted);
        return Results.Json(ToWire(scope, config), ApiJsonContext.Default.EventInvokeConfigWire);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string functionName, EventInvokeConfigService invokeConfigs, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        var qualifier = Query.String(context.Request.Query, "Qualifier");
        await context.AuthorizeFunctionAsync(LambdaActions.DeleteFunctionEventInvokeConfig, scope, functionName, qualifier, qualified: true);
        await invokeConfigs.DeleteEventInvokeConfigAsync(scope, functionName, qualifier, context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> ListAsync(HttpContext context, string functionName, EventInvokeConfigService invokeConfigs, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.ListFunctionEventInvokeConfigs, scope, functionName, null, qualified: false);
        var configs = await invokeConfigs.ListEventInvokeConfigsAsync(scope, functionName, context.RequestAborted);
        var items = new List<EventInvokeConfigWire>(configs.Count);
        foreach (var config in configs)
        {
            items.Add(ToWire(scope, config));
        }

        return Results.Json(new ListEventInvokeConfigsResponseWire { FunctionEventInvokeConfigs = items }, ApiJsonContext.Default.ListEventInvokeConfigsResponseWire);
    }

    private static async Task<IResult> PutRecursionAsync(HttpContext context, string functionName, EventInvokeConfigService invokeConfigs, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.PutFunctionRecursionConfig, scope, functionName, null, qualified: false);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.RecursionConfigWire, RequestBody.DefaultLimit, "PutFunctionRecursionConfig", ct);
        var value = await invokeConfigs.PutRecursionConfigAsync(scope, functionName, request.RecursiveLoop, ct);
        return Results.Json(new RecursionConfigWire { RecursiveLoop = value }, ApiJsonContext.Default.RecursionConfigWire);
    }

    private static async Task<IResult> GetRecursionAsync(HttpContext context, string functionName, EventInvokeConfigService invokeConfigs, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.GetFunctionRecursionConfig, scope, functionName, null, qualified: false);
        var value = await invokeConfigs.GetRecursionConfigAsync(scope, functionName, context.RequestAborted);
        return Results.Json(new RecursionConfigWire { RecursiveLoop = value }, ApiJsonContext.Default.RecursionConfigWire);
    }

    private static EventInvokeConfigWire ToWire(Scope scope, EventInvokeConfig config) => new()
    {
        LastModified = config.LastModified.ToUnixTimeMilliseconds() / 1000.0,
        FunctionArn = scope.FunctionArn(config.FunctionName, config.Qualifier),
        MaximumRetryAttempts = config.MaximumRetryAttempts,
        MaximumEventAgeInSeconds = config.MaximumEventAgeInSeconds,
        DestinationConfig = new DestinationConfigWire
        {
            OnSuccess = new DestinationWire { Destination = config.OnSuccess },
            OnFailure = new DestinationWire { Destination = config.OnFailure },
        },
    };
}
