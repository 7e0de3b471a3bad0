// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Arns;
using Nimbus.Core.Images;

namespace Nimbus.Api.Registry;

/// <summary>
/// The OCI distribution API (ECR's registry) on the shared endpoint. Authenticates as ECR does (Basic with user
/// <c>AWS</c> and a GetAuthorizationToken token, or that token as a Bearer; otherwise 401 with a Basic challenge),
/// then authorizes each request with ECR's action for it on the repository's ARN, and hands it to
/// <see cref="RegistryManifests"/> or <see cref="RegistryBlobs"/>.
/// </summary>
internal sealed class RegistryMiddleware(RequestDelegate next, RegistryTokens tokens, CredentialDirectory credentials, ImageRegistry registry, IOptions<ApiOptions> options, TimeProvider time)
{
    private readonly ApiOptions _options = options.Value;

    // Another API's request passes on without a state machine of this method's (a box per request).
    public Task InvokeAsync(HttpContext context) => RegistryAddress.IsRegistry(context.Request) ? ServeAsync(context) : next(context);

    private async Task ServeAsync(HttpContext context)
    {
        context.Response.Headers[RegistryProtocol.ApiVersionHeader] = RegistryProtocol.ApiVersion;
        var caller = Authenticate(context.Request);
        if (caller is null)
        {
            var host = context.Request.Host.Value ?? "";
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"http://{host}/\",service=\"ecr.amazonaws.com\"";
            await RegistryProtocol.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "authentication required");
            return;
        }

        context.Features.Set(caller);
        var route = RegistryRoute.Parse(context.Request.Path.Value ?? "");
        try
        {
            await DispatchAsync(context, caller, route);
        }
        catch (OciException error)
        {
            await RegistryProtocol.WriteErrorAsync(context, error.StatusCode, error.Code, error.Message, error.Reference);
        }
        catch (AccessDeniedException denied)
        {
            await RegistryProtocol.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "DENIED", denied.Message);
        }
        catch (EcrException missing) when (missing.ErrorType == "RepositoryNotFoundException")
        {
            await RegistryProtocol.WriteErrorAsync(context, StatusCodes.Status404NotFound, "NAME_UNKNOWN", missing.Message);
        }
    }

    private async Task DispatchAsync(HttpContext context, CallerIdentity caller, RegistryRoute route)
    {
        var method = context.Request.Method;
        if (route.Kind == RegistryRouteKind.Ping)
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 2;
            if (!HttpMethods.IsHead(method))
            {
                await context.Response.WriteAsync("{}", context.RequestAborted);
            }

            return;
        }

        if (route.Kind == RegistryRouteKind.Unknown || !ImageRules.IsRepositoryName(route.Name))
        {
            throw new OciException("NAME_INVALID", "invalid repository name", 404);
        }

        var (hostAccount, hostRegion) = RegistryAddress.FromHost(context.Request.Host.Host);
        var scope = new Scope(hostAccount ?? caller.Account, hostRegion ?? _options.DefaultRegion);
        var arn = $"arn:aws:ecr:{scope.Region}:{scope.Account}:repository/{route.Name}";
        var action = Action(route.Kind, method);
        if (action is null)
        {
            throw OciException.Unsupported($"{method} is not supported here");
        }

        await context.AuthorizeAsync(action, arn);
        var repository = await registry.RequireRepositoryAsync(scope, route.Name, context.RequestAborted);
        var call = new RegistryCall(context, registry, scope, repository);
        await (route.Kind switch
        {
            RegistryRouteKind.Manifest => RegistryManifests.HandleAsync(call, route.Reference),
            RegistryRouteKind.Tags => RegistryManifests.ListTagsAsync(call),
            RegistryRouteKind.Blob => RegistryBlobs.ServeAsync(call, route.Reference),
            _ => RegistryBlobs.UploadAsync(call, route.Reference),
        });
    }

    /// <summary>ECR's IAM action for each registry request (the same ones its registry checks).</summary>
    private static string? Action(RegistryRouteKind kind, string method) => kind switch
    {
        RegistryRouteKind.Manifest when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) => "ecr:BatchGetImage",
        RegistryRouteKind.Manifest when HttpMethods.IsPut(method) => "ecr:PutImage",
        RegistryRouteKind.Manifest when HttpMethods.IsDelete(method) => "ecr:BatchDeleteImage",
        RegistryRouteKind.Tags when HttpMethods.IsGet(method) => "ecr:ListImages",
        RegistryRouteKind.Blob when HttpMethods.IsGet(method) => "ecr:GetDownloadUrlForLayer",
        RegistryRouteKind.Blob when HttpMethods.IsHead(method) => "ecr:BatchCheckLayerAvailability",
        RegistryRouteKind.Upload when HttpMethods.IsPost(method) => "ecr:InitiateLayerUpload",
        RegistryRouteKind.Upload when HttpMethods.IsPatch(method) || HttpMethods.IsGet(method) || HttpMethods.IsDelete(method) => "ecr:UploadLayerPart",
        RegistryRouteKind.Upload when HttpMethods.IsPut(method) => "ecr:CompleteLayerUpload",
        _ => null,
    };

    /// <summary>The caller a registry credential stands for, or null (answered with the 401 challenge).</summary>
    private CallerIdentity? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        string? token = null;
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                if (pair.StartsWith("AWS:", StringComparison.Ordinal))
                {
                    token = pair[4..];
                }
            }
            catch (FormatException)
            {
                return null;
            }
        }
        else if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header[7..].Trim();
        }

        if (!_options.Authenticate)
        {
            return CallerIdentity.ForArn($"arn:aws:iam::{_options.AccountId}:root", _options.AccountId);
        }

        if (token is null || !tokens.TryVerify(token, out var accessKeyId) || accessKeyId.Length == 0)
        {
            return null;
        }

        return credentials.TryGet(accessKeyId, time.GetUtcNow(), out var credential) && credential.IsActive ? credential.Identity : null;
    }
}
