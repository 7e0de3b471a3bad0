// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Policies;

namespace Nimbus.Api.Access;

/// <summary>How an API asks whether the request's caller may do what it asks: one call per operation, with AWS's
/// action name (<c>lambda:GetFunction</c>) and resource ARN.</summary>
public static class AuthorizationExtensions
{
    /// <summary>The caller the authentication middleware recorded.</summary>
    public static CallerIdentity Caller(this HttpContext context) =>
        context.Features.Get<CallerIdentity>() ?? throw new InvalidOperationException("The request was not authenticated.");

    /// <summary>Throws <see cref="AccessDeniedException"/> unless the caller may perform <paramref name="action"/> on <paramref name="resource"/>.</summary>
    public static ValueTask AuthorizeAsync(this HttpContext context, string action, string resource, ContextKeys? keys = null, PolicyDocument? resourcePolicy = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        Audit.AuditEntry.NoteResource(context, resource);
        var authorizer = context.RequestServices.GetRequiredService<Authorizer>();
        return authorizer.AuthorizeAsync(context.Caller(), context.Origin(), action, resource, context.RequestAborted, keys, resourcePolicy);
    }

    /// <summary>The request's source address, transport and region, for the global condition keys.</summary>
    public static RequestOrigin Origin(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var region = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.DefaultRegion;
        return new RequestOrigin(context.Connection.RemoteIpAddress ?? IPAddress.Loopback, context.Request.IsHttps, region);
    }
}
