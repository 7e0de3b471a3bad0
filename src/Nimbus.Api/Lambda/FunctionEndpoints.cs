// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Code;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Functions;
using Nimbus.Core.Validation;

namespace Nimbus.Api.Lambda;

/// <summary>
/// The function operations of the Lambda REST API 2015-03-31, on AWS's paths and status codes, and
/// GetFunctionCodeSigningConfig (2020-06-30; code signing configurations themselves are not served).
/// </summary>
internal static class FunctionEndpoints
{
    private const string Functions = "/2015-03-31/functions";

    public static IEndpointRouteBuilder MapFunctionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Functions, CreateAsync);
        routes.MapGet(Functions, ListAsync);
        routes.MapGet(Functions + "/{functionName}", GetAsync);
        routes.MapGet(Functions + "/{functionName}/configuration", GetConfigurationAsync);
        routes.MapPut(Functions + "/{functionName}/configuration", UpdateConfigurationAsync);
        routes.MapPut(Functions + "/{functionName}/code", UpdateCodeAsync);
        routes.MapDelete(Functions + "/{functionName}", DeleteAsync);
        routes.MapGet("/2020-06-30/functions/{functionName}/code-signing-config", GetCodeSigningConfigAsync);
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, FunctionService functions, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.CreateFunctionRequestWire, LambdaQuotas.MaxCodeRequestBytes, "CreateFunction", ct);
        if (request.FunctionName is null)
        {
            var errors = new ValidationErrors();
            errors.Add(null, "functionName", "Member must not be null");
            errors.ThrowIfAny();
        }

        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.CreateFunction, scope, request.FunctionName!, null, qualified: false, forWrite: true, LambdaAuthorization.LayerKeys(request.Layers));
        await context.AuthorizePassRoleAsync(request.Role);
        var change = WireMapper.ToChange(request) with { CodeSigningConfigArn = request.CodeSigningConfigArn };
        var created = await functions.CreateAsync(scope, request.FunctionName!, change, WireMapper.ToUpload(request.Code), request.Tags, request.Publish ?? false, ct);
        return Results.Json(WireMapper.ToWire(scope, created), ApiJsonContext.Default.FunctionConfigurationWire, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext context, FunctionService functions, RequestScope scopes)
    {
        await context.AuthorizeAsync(LambdaActions.ListFunctions, "*");
        var query = context.Request.Query;
        var scope = scopes.For(context.Request);
        var page = await functions.ListAsync(scope, Query.String(query, "FunctionVersion"), Query.String(query, "Marker"), Query.MaxItems(query), context.RequestAborted);
        var items = new List<FunctionConfigurationWire>(page.Functions.Count);
        foreach (var version in page.Functions)
        {
            // With FunctionVersion=ALL, published versions appear with their qualified ARNs.
            items.Add(WireMapper.ToWire(scope, version, version.Version == FunctionVersion.Latest ? null : version.Version));
        }

        return Results.Json(new ListFunctionsResponseWire { Functions = items, NextMarker = page.NextMarker }, ApiJsonContext.Default.ListFunctionsResponseWire);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string functionName, FunctionService functions, ConcurrencyService concurrency, RequestScope scopes, CodeLocationSigner signer)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.GetFunction, scope, functionName, Qualifier(context), qualified: true);
        var view = await functions.GetAsync(scope, functionName, Qualifier(context), context.RequestAborted);
        var reserved = await concurrency.GetConcurrencyAsync(view.Record, context.RequestAborted);
        var request = context.Request;
        var response = new GetFunctionResponseWire
        {
            Configuration = ToWire(scope, view),
            Code = view.Version.Image is { } image
                ? new FunctionCodeLocationWire { RepositoryType = "ECR", ImageUri = view.Version.ImageUri, ResolvedImageUri = image.Uri }
                : new FunctionCodeLocationWire { RepositoryType = "S3", Location = signer.CreateUrl(request, view.Version.CodeSha256) },
            Tags = view.Record.Tags.Count > 0 ? view.Record.Tags : null,
            Concurrency = reserved is null ? null : new ConcurrencyWire { ReservedConcurrentExecutions = reserved },
        };
        return Results.Json(response, ApiJsonContext.Default.GetFunctionResponseWire);
    }

    private static async Task<IResult> GetConfigurationAsync(HttpContext context, string functionName, FunctionService functions, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.GetFunctionConfiguration, scope, functionName, Qualifier(context), qualified: true);
        var view = await functions.GetAsync(scope, functionName, Qualifier(context), context.RequestAborted);
        return Results.Json(ToWire(scope, view), ApiJsonContext.Default.FunctionConfigurationWire);
    }

    private static async Task<IResult> UpdateConfigurationAsync(HttpContext context, string functionName, FunctionService functions, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.UpdateFunctionConfigurationRequestWire, RequestBody.DefaultLimit, "UpdateFunctionConfiguration", ct);
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.UpdateFunctionConfiguration, scope, functionName, null, qualified: false, forWrite: true, LambdaAuthorization.LayerKeys(request.Layers));
        await context.AuthorizePassRoleAsync(request.Role);
        var updated = await functions.UpdateConfigurationAsync(scope, functionName, WireMapper.ToChange(request), ct);
        return Results.Json(WireMapper.ToWire(scope, updated), ApiJsonContext.Default.FunctionConfigurationWire);
    }

    private static async Task<IResult> UpdateCodeAsync(HttpContext context, string functionName, FunctionService functions, RequestScope scopes)
    {
        var ct = context.RequestAborted;
        var request = await RequestBody.ReadAsync(context.Request, ApiJsonContext.Default.UpdateFunctionCodeRequestWire, LambdaQuotas.MaxCodeRequestBytes, "UpdateFunctionCode", ct);
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.UpdateFunctionCode, scope, functionName, null, qualified: false, forWrite: true);
        var updated = await functions.UpdateCodeAsync(scope, functionName, WireMapper.ToUpload(request), request.Architectures, request.RevisionId, request.DryRun ?? false, request.Publish ?? false, ct);
        var qualifier = updated.Version == FunctionVersion.Latest ? null : updated.Version;
        return Results.Json(WireMapper.ToWire(scope, updated, qualifier), ApiJsonContext.Default.FunctionConfigurationWire);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string functionName, FunctionService functions, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.DeleteFunction, scope, functionName, Qualifier(context), qualified: true);
        await functions.DeleteAsync(scope, functionName, Qualifier(context), context.RequestAborted);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> GetCodeSigningConfigAsync(HttpContext context, string functionName, FunctionService functions, RequestScope scopes)
    {
        var scope = scopes.For(context.Request);
        await context.AuthorizeFunctionAsync(LambdaActions.GetFunctionCodeSigningConfig, scope, functionName, null, qualified: false);
        var name = await functions.GetCodeSigningConfigAsync(scope, functionName, context.RequestAborted);
        return Results.Json(new FunctionCodeSigningWire { CodeSigningConfigArn = "", FunctionName = name }, ApiJsonContext.Default.FunctionCodeSigningWire);
    }

    private static string? Qualifier(HttpContext context) => Query.String(context.Request.Query, "Qualifier");

    /// <summary>
    /// A read's configuration: FunctionArn carries the qualifier the caller used (the alias for an alias, as on
    /// AWS), and Version is the version it selects.
    /// </summary>
    private static FunctionConfigurationWire ToWire(Core.Arns.Scope scope, FunctionView view) =>
        WireMapper.ToWire(scope, view.Version, view.Qualifier);
}
