// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Functions;
using Nimbus.Core.Validation;
using Nimbus.Events.Mappings;

namespace Nimbus.Api.Lambda;

/// <summary>TagResource, UntagResource and ListTags (API version 2017-03-31) of functions and event source mappings; the ARN is the rest of the path.</summary>
internal static class TagEndpoints
{
    private const string Tags = "/2017-03-31/tags/{**resource}";

    public static IEndpointRouteBuilder MapTagEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Tags, TagAsync);
        routes.MapDelete(Tags, UntagAsync);
        routes.MapGet(Tags, ListAsync);
        return routes;
    }

    private static async Task<IResult> TagAsync(HttpContext context, string resource, FunctionService functions, EventSourceMappingService mappings, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var arn = Uri.UnescapeDataString(resource);
        await context.AuthorizeResourceAsync(LambdaActions.TagResource, arn);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.TagResourceRequestWire, RequestBody.DefaultLimit, "TagResource", ct);
        if (EventSourceMappingService.IsMappingArn(arn))
        {
            TagRules.ValidateTagRequest(request.Tags);
            await mappings.ChangeTagsAsync(scopes.For(context.Request), arn, tags => Merge(tags, request.Tags!), ct);
        }
        else
        {
            await functions.TagAsync(scopes.For(context.Request), arn, request.Tags, ct);
        }

        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static void Merge(Dictionary<string, string> tags, IReadOnlyDictionary<string, string> added)
    {
        foreach (var (key, value) in added)
        {
            tags[key] = value;
        }
    }

    private static async Task<IResult> UntagAsync(HttpContext context, string resource, FunctionService functions, EventSourceMappingService mappings, RequestScope scopes)
    {
        var keys = context.Request.Query["tagKeys"];
        var list = new List<string>(keys.Count);
        foreach (var key in keys)
        {
            if (key is not null)
            {
                list.Add(key);
            }
        }

        var arn = Uri.UnescapeDataString(resource);
        await context.AuthorizeResourceAsync(LambdaActions.UntagResource, arn);
        var keysGiven = keys.Count == 0 ? null : list;
        if (EventSourceMappingService.IsMappingArn(arn))
        {
            TagRules.ValidateUntagRequest(keysGiven);
            await mappings.ChangeTagsAsync(scopes.For(context.Request), arn, tags => list.ForEach(key => tags.Remove(key)), context.RequestAborted);
        }
        else
        {
            await functions.UntagAsync(scopes.For(context.Request), arn, keysGiven, context.RequestAborted);
        }

        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> ListAsync(HttpContext context, string resource, FunctionService functions, EventSourceMappingService mappings, RequestScope scopes)
    {
        var arn = Uri.UnescapeDataString(resource);
        await context.AuthorizeResourceAsync(LambdaActions.ListTags, arn);
        var tags = EventSourceMappingService.IsMappingArn(arn)
            ? await mappings.ListTagsAsync(scopes.For(context.Request), arn, context.RequestAborted)
            : await functions.ListTagsAsync(scopes.For(context.Request), arn, context.RequestAborted);
        return Results.Json(new ListTagsResponseWire { Tags = tags }, ApiJsonContext.Default.ListTagsResponseWire);
    }
}
