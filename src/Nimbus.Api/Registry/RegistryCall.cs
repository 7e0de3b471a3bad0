// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Arns;
using Nimbus.Core.Images;

namespace Nimbus.Api.Registry;

/// <summary>One authorized registry request on an existing repository.</summary>
internal sealed record RegistryCall(HttpContext Context, ImageRegistry Registry, Scope Scope, RepositoryRecord Repository)
{
    public HttpRequest Request => Context.Request;

    public HttpResponse Response => Context.Response;

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>The repository's path prefix for Location headers.</summary>
    public string Prefix => "/v2/" + Repository.Name;
}
