// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Mappings;
using Nimbus.Events.Mappings;

namespace Nimbus.Api.Lambda;

/// <summary>Event source mappings of the Lambda REST API 2015-03-31, on AWS's paths and status codes.</summary>
internal static class MappingEndpoints
{
    private const string Mappings = "/2015-03-31/event-source-mappings";

    public static IEndpointRouteBuilder MapMappingEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Mappings, CreateAsync);
        routes.MapGet(Mappings, ListAsync);
        routes.MapGet(Mappings + "/{uuid}", GetAsync);
        routes.MapPut(Mappings + "/{uuid}", UpdateAsync);
        routes.MapDelete(Mappings + "/{uuid}", DeleteAsync);
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, EventSourceMappingService mappings, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.EventSourceMappingRequestWire, RequestBody.DefaultLimit, "CreateEventSourceMapping", ct);
        var scope = scopes.For(context.Request);
        await AuthorizeCreateAsync(context, scope, request.FunctionName);
        var mapping = await mappings.CreateAsync(scope, ToChange(request), ct);
        return Results.Json(ToWire(mapping), ApiJsonContext.Default.EventSourceMappingWire, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(HttpContext context, EventSourceMappingService mappings, RequestScope scopes)
    {
        await context.AuthorizeAsync(LambdaActions.ListEventSourceMappings, "*");
        var query = context.Request.Query;
        var (page, next) = await mappings.ListAsync(
            scopes.For(context.Request),
            Query.String(query, "EventSourceArn"),
            Query.String(query, "FunctionName"),
            Query.String(query, "Marker"),
            Query.MaxItems(query),
            context.RequestAborted);
        var items = new List<EventSourceMappingWire>(page.Count);
        foreach (var mapping in page)
        {
            items.Add(ToWire(mapping));
        }

        return Results.Json(new ListEventSourceMappingsResponseWire { EventSourceMappings = items, NextMarker = next }, ApiJsonContext.Default.ListEventSourceMappingsResponseWire);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string uuid, EventSourceMappingService mappings, RequestScope scopes)
    {
        var mapping = await mappings.GetAsync(scopes.For(context.Request), uuid, context.RequestAborted);
        await context.AuthorizeMappingAsync(LambdaActions.GetEventSourceMapping, mapping.Arn, mapping.FunctionArn);
        return Results.Json(ToWire(mapping), ApiJsonContext.Default.EventSourceMappingWire);
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, string uuid, EventSourceMappingService mappings, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.EventSourceMappingRequestWire, RequestBody.DefaultLimit, "UpdateEventSourceMapping", ct);
        var scope = scopes.For(context.Request);
        var current = await mappings.GetAsync(scope, uuid, ct);
        await context.AuthorizeMappingAsync(LambdaActions.UpdateEventSourceMapping, current.Arn, current.FunctionArn);
        var mapping = await mappings.UpdateAsync(scope, uuid, ToChange(request), ct);
        return Results.Json(ToWire(mapping), ApiJsonContext.Default.EventSourceMappingWire, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string uuid, EventSourceMappingService mappings, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        var current = await mappings.GetAsync(scope, uuid, context.RequestAborted);
        await context.AuthorizeMappingAsync(LambdaActions.DeleteEventSourceMapping, current.Arn, current.FunctionArn);
        var mapping = await mappings.DeleteAsync(scope, uuid, context.RequestAborted);
        return Results.Json(ToWire(mapping), ApiJsonContext.Default.EventSourceMappingWire, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// CreateEventSourceMapping is checked on <c>*</c> with lambda:FunctionArn the function it would invoke (its full
    /// ARN, with the qualifier the request names). A missing or malformed FunctionName is left to the operation's
    /// validation.
    /// </summary>
    private static async ValueTask AuthorizeCreateAsync(HttpContext context, Core.Arns.Scope scope, string? functionName)
    {
        Core.Arns.FunctionReference reference;
        try
        {
            reference = Core.Arns.FunctionReference.Parse(functionName ?? string.Empty, null, scope, forWrite: false);
        }
        catch (Core.Errors.LambdaException)
        {
            await context.AuthorizeAsync(LambdaActions.CreateEventSourceMapping, "*");
            return;
        }

        await context.AuthorizeAsync(
            LambdaActions.CreateEventSourceMapping,
            "*",
            new Core.Access.Policies.ContextKeys().Set(LambdaActions.FunctionArnKey, reference.Arn));
    }

    private static EventSourceMappingChange ToChange(EventSourceMappingRequestWire request)
    {
        var unsupported = new List<string>();
        Unsupported(unsupported, request.StartingPosition, "StartingPosition");
        Unsupported(unsupported, request.StartingPositionTimestamp, "StartingPositionTimestamp");
        Unsupported(unsupported, request.DestinationConfig, "DestinationConfig");
        Unsupported(unsupported, request.ParallelizationFactor, "ParallelizationFactor");
        Unsupported(unsupported, request.MaximumRecordAgeInSeconds, "MaximumRecordAgeInSeconds");
        Unsupported(unsupported, request.BisectBatchOnFunctionError, "BisectBatchOnFunctionError");
        Unsupported(unsupported, request.MaximumRetryAttempts, "MaximumRetryAttempts");
        Unsupported(unsupported, request.TumblingWindowInSeconds, "TumblingWindowInSeconds");
        Unsupported(unsupported, request.Topics, "Topics");
        Unsupported(unsupported, request.Queues, "Queues");
        Unsupported(unsupported, request.SourceAccessConfigurations, "SourceAccessConfigurations");
        Unsupported(unsupported, request.SelfManagedEventSource, "SelfManagedEventSource");
        List<string>? filters = null;
        if (request.FilterCriteria is { } criteria)
        {
            filters = [];
            foreach (var filter in criteria.Filters ?? [])
            {
                // A filter of JSON null is a filter without a pattern (refused as an invalid pattern).
                filters.Add(filter?.Pattern ?? "");
            }
        }

        return new EventSourceMappingChange
        {
            EventSourceArn = request.EventSourceArn,
            FunctionName = request.FunctionName,
            Enabled = request.Enabled,
            BatchSize = request.BatchSize,
            MaximumBatchingWindowInSeconds = request.MaximumBatchingWindowInSeconds,
            FunctionResponseTypes = request.FunctionResponseTypes,
            MaximumConcurrency = request.ScalingConfig is { } scaling ? scaling.MaximumConcurrency ?? 0 : null,
            Filters = filters,
            Tags = request.Tags,
            UnsupportedMembers = unsupported,
        };
    }

    private static void Unsupported(List<string> names, System.Text.Json.JsonElement? value, string name)
    {
        if (value is { ValueKind: not System.Text.Json.JsonValueKind.Null })
        {
            names.Add(name);
        }
    }

    private static EventSourceMappingWire ToWire(EventSourceMapping mapping)
    {
        FilterCriteriaWire? criteria = null;
        if (mapping.Filters is { } filters)
        {
            var list = new List<FilterWire>(filters.Count);
            foreach (var pattern in filters)
            {
                list.Add(new FilterWire { Pattern = pattern });
            }

            criteria = new FilterCriteriaWire { Filters = list };
        }

        return new EventSourceMappingWire
        {
            UUID = mapping.Uuid,
            BatchSize = mapping.BatchSize,
            MaximumBatchingWindowInSeconds = mapping.MaximumBatchingWindowInSeconds,
            EventSourceArn = mapping.EventSourceArn,
            FilterCriteria = criteria,
            ScalingConfig = mapping.MaximumConcurrency is { } max ? new ScalingConfigWire { MaximumConcurrency = max } : null,
            FunctionArn = mapping.FunctionArn,
            LastModified = mapping.LastModified.ToUnixTimeMilliseconds() / 1000.0,
            LastProcessingResult = mapping.LastProcessingResult,
            State = mapping.State,
            StateTransitionReason = mapping.StateTransitionReason,
            FunctionResponseTypes = [.. mapping.FunctionResponseTypes],
            EventSourceMappingArn = mapping.Arn,
        };
    }
}
