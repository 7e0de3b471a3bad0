// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Lambda;

/// <summary>TagResource, UntagResource and ListTags (API version 2017-03-31); the ARN is the rest of the path.</summary>
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

    private static async Task<IResult> TagAsync(HttpContext context, string resource, FunctionService functions, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.TagResourceRequestWire, RequestBody.DefaultLimit, "TagResource", ct);
        await functions.TagAsync(scopes.For(context.Request), Uri.UnescapeDataString(resource), request.Tags, ct);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> UntagAsync(HttpContext context, string resource, FunctionService functions, RequestScope scopes)
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

        await functions.UntagAsync(scopes.For(context.Request), Uri.UnescapeDataString(resource), keys.Count == 0 ? null : list, context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> ListAsync(HttpContext context, string resource, FunctionService functions, RequestScope scopes)
    {
        var tags = await functions.ListTagsAsync(scopes.For(context.Request), Uri.UnescapeDataString(resource), context.RequestAborted);
        return Results.Json(new ListTagsResponseWire { Tags = tags }, ApiJsonContext.Default.ListTagsResponseWire);
    }
}
