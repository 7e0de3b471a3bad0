// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Nimbus.Api.Access;
using Nimbus.Api.Code;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Layers;
using Nimbus.Core.Validation;

namespace Nimbus.Api.Lambda;

/// <summary>The layers operations (API version 2018-10-31), on AWS's paths and status codes.</summary>
internal static class LayerEndpoints
{
    private const string Layers = "/2018-10-31/layers";
    private const string Version = Layers + "/{layerName}/versions/{versionNumber}";

    public static IEndpointRouteBuilder MapLayerEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Layers, ListLayersOrFindAsync);
        routes.MapPost(Layers + "/{layerName}/versions", PublishAsync);
        routes.MapGet(Layers + "/{layerName}/versions", ListVersionsAsync);
        routes.MapGet(Version, GetAsync);
        routes.MapDelete(Version, DeleteAsync);
        routes.MapPost(Version + "/policy", AddPermissionAsync);
        routes.MapGet(Version + "/policy", GetPolicyAsync);
        routes.MapDelete(Version + "/policy/{statementId}", RemovePermissionAsync);
        return routes;
    }

    private static async Task<IResult> PublishAsync(HttpContext context, string layerName, LayerService layers, RequestScope scopes, CodeLocationSigner signer)
    {
        var ct = context.RequestAborted;
        var scope = scopes.For(context.Request);
        await AuthorizeLayerAsync(context, LambdaActions.PublishLayerVersion, scope, layerName, null);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.PublishLayerVersionRequestWire, LambdaQuotas.MaxCodeRequestBytes, "PublishLayerVersion", ct);
        var published = await layers.PublishAsync(scope, layerName, LayerWireMapper.ToPublish(request), ct);
        return Results.Json(LayerWireMapper.ToWire(published, Location(context, signer, published)), ApiJsonContext.Default.LayerVersionWire, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string layerName, string versionNumber, LayerService layers, RequestScope scopes, CodeLocationSigner signer)
    {
        var scope = scopes.For(context.Request);
        await AuthorizeLayerAsync(context, LambdaActions.GetLayerVersion, scope, layerName, versionNumber);
        var version = await layers.GetAsync(scope, layerName, LayerValidator.ParseVersionNumber(versionNumber), context.RequestAborted);
        return Results.Json(LayerWireMapper.ToWire(version, Location(context, signer, version)), ApiJsonContext.Default.LayerVersionWire);
    }

    /// <summary>ListLayers, or GetLayerVersionByArn on the same path with <c>?find=LayerVersion&amp;Arn=...</c>.</summary>
    private static async Task<IResult> ListLayersOrFindAsync(HttpContext context, LayerService layers, RequestScope scopes, CodeLocationSigner signer)
    {
        var query = context.Request.Query;
        var scope = scopes.For(context.Request);
        if (query.ContainsKey("find"))
        {
            if (NullIfEmpty(query["Arn"]) is not { } arn)
            {
                var errors = new ValidationErrors();
                errors.Add(null, "arn", "Member must not be null");
                errors.ThrowIfAny();
                return Results.Empty;
            }

            if (LayerArns.TryParseVersion(arn) is not null)
            {
                // The layer version the ARN names, as given (it may be another account's).
                await context.AuthorizeResourceAsync(LambdaActions.GetLayerVersion, arn);
            }

            var found = await layers.GetByArnAsync(scope, arn, context.RequestAborted);
            return Results.Json(LayerWireMapper.ToWire(found, Location(context, signer, found)), ApiJsonContext.Default.LayerVersionWire);
        }

        await context.AuthorizeAsync(LambdaActions.ListLayers, "*");
        var page = await layers.ListLayersAsync(scope, Filter(query), NullIfEmpty(query["Marker"]), MaxItems(query), context.RequestAborted);
        var items = new List<LayersListItemWire>(page.Versions.Count);
        foreach (var latest in page.Versions)
        {
            items.Add(new LayersListItemWire { LayerName = latest.LayerName, LayerArn = latest.LayerArn, LatestMatchingVersion = LayerWireMapper.ToListItem(latest) });
        }

        return Results.Json(new ListLayersResponseWire { Layers = items, NextMarker = page.NextMarker }, ApiJsonContext.Default.ListLayersResponseWire);
    }

    private static async Task<IResult> ListVersionsAsync(HttpContext context, string layerName, LayerService layers, RequestScope scopes)
    {
        await context.AuthorizeAsync(LambdaActions.ListLayerVersions, "*");
        var query = context.Request.Query;
        var page = await layers.ListVersionsAsync(scopes.For(context.Request), layerName, Filter(query), NullIfEmpty(query["Marker"]), MaxItems(query), context.RequestAborted);
        var items = new List<LayerVersionsListItemWire>(page.Versions.Count);
        foreach (var version in page.Versions)
        {
            items.Add(LayerWireMapper.ToListItem(version));
        }

        return Results.Json(new ListLayerVersionsResponseWire { LayerVersions = items, NextMarker = page.NextMarker }, ApiJsonContext.Default.ListLayerVersionsResponseWire);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string layerName, string versionNumber, LayerService layers, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await AuthorizeLayerAsync(context, LambdaActions.DeleteLayerVersion, scope, layerName, versionNumber);
        await layers.DeleteAsync(scope, layerName, LayerValidator.ParseVersionNumber(versionNumber), context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> AddPermissionAsync(HttpContext context, string layerName, string versionNumber, LayerService layers, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        await AuthorizeLayerAsync(context, LambdaActions.AddLayerVersionPermission, scopes.For(context.Request), layerName, versionNumber);
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.AddLayerVersionPermissionRequestWire, RequestBody.DefaultLimit, "AddLayerVersionPermission", ct);
        var errors = new ValidationErrors();
        foreach (var (value, field) in (ReadOnlySpan<(string?, string)>)[(request.StatementId, "statementId"), (request.Action, "action"), (request.Principal, "principal")])
        {
            if (value is null)
            {
                errors.Add(null, field, "Member must not be null");
            }
        }

        errors.ThrowIfAny();
        var statement = new LayerStatement(request.StatementId!, request.Action!, request.Principal!, request.OrganizationId); // Checked just above.
        var (json, revision) = await layers.AddPermissionAsync(
            scopes.For(context.Request),
            layerName,
            LayerValidator.ParseVersionNumber(versionNumber),
            statement,
            NullIfEmpty(context.Request.Query["RevisionId"]),
            ct);
        return Results.Json(new AddLayerVersionPermissionResponseWire { Statement = json, RevisionId = revision }, ApiJsonContext.Default.AddLayerVersionPermissionResponseWire, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetPolicyAsync(HttpContext context, string layerName, string versionNumber, LayerService layers, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await AuthorizeLayerAsync(context, LambdaActions.GetLayerVersionPolicy, scope, layerName, versionNumber);
        var (policy, revision) = await layers.GetPolicyAsync(scope, layerName, LayerValidator.ParseVersionNumber(versionNumber), context.RequestAborted);
        return Results.Json(new GetLayerVersionPolicyResponseWire { Policy = policy, RevisionId = revision }, ApiJsonContext.Default.GetLayerVersionPolicyResponseWire);
    }

    private static async Task<IResult> RemovePermissionAsync(HttpContext context, string layerName, string versionNumber, string statementId, LayerService layers, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await AuthorizeLayerAsync(context, LambdaActions.RemoveLayerVersionPermission, scope, layerName, versionNumber);
        await layers.RemovePermissionAsync(
            scope,
            layerName,
            LayerValidator.ParseVersionNumber(versionNumber),
            statementId,
            NullIfEmpty(context.Request.Query["RevisionId"]),
            context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    /// <summary>
    /// Checks a layer action on the layer's ARN (<paramref name="versionNumber"/> null) or its version's. A name or
    /// version Lambda cannot parse is left to the operation, which fails on it with its validation message.
    /// </summary>
    private static async ValueTask AuthorizeLayerAsync(HttpContext context, string action, Scope scope, string layerName, string? versionNumber)
    {
        Scope owner;
        string name;
        long version = 0;
        try
        {
            (owner, name) = LayerArns.ParseName(layerName, scope);
            if (versionNumber is not null)
            {
                version = LayerValidator.ParseVersionNumber(versionNumber);
            }
        }
        catch (LambdaException)
        {
            return;
        }

        await context.AuthorizeResourceAsync(action, versionNumber is null ? LayerArns.Layer(owner, name) : LayerArns.Version(owner, name, version));
    }

    /// <summary>Content.Location: a presigned URL of the zip, like GetFunction's Code.Location.</summary>
    private static string Location(HttpContext context, CodeLocationSigner signer, LayerVersion version) =>
        signer.CreateUrl(context.Request, version.CodeSha256);

    private static LayerFilter Filter(IQueryCollection query) =>
        new(NullIfEmpty(query["CompatibleRuntime"]), NullIfEmpty(query["CompatibleArchitecture"]));

    private static int? MaxItems(IQueryCollection query)
    {
        if (!query.TryGetValue("MaxItems", out var max))
        {
            return null;
        }

        return int.TryParse(max, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw LambdaErrors.Validation($"1 validation error detected: Value '{max}' at 'maxItems' failed to satisfy constraint: Member must be an integer");
    }

    private static string? NullIfEmpty(StringValues value) => value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];
}
