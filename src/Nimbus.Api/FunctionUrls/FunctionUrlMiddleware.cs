// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.FunctionUrls;

/// <summary>
/// Takes the requests for function URLs (by host name or the <c>/_url/&lt;id&gt;/</c> path) off the API's routes and
/// hands them to <see cref="FunctionUrlHandler"/>; every other request passes on untouched.
/// </summary>
internal sealed class FunctionUrlMiddleware(RequestDelegate next, FunctionUrlHandler handler)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!FunctionUrlAddress.TryParse(context.Request, out var urlId, out var domainName, out _))
        {
            return next(context);
        }

        return handler.HandleAsync(context, urlId, domainName);
    }
}
