// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nimbus.Core.Access;
using Nimbus.Core.Arns;

namespace Nimbus.Api.Hosting;

/// <summary>
/// Derives a request's account (the authenticated caller's) and region. The region comes from the SigV4 credential scope
/// (<c>Credential=AKID/20240101/us-west-2/lambda/aws4_request</c>, in the Authorization header or a presigned
/// query); checking the signature itself is its own feature.
/// </summary>
internal sealed class RequestScope(IOptions<ApiOptions> options)
{
    private readonly ApiOptions _options = options.Value;

    public Scope For(HttpRequest request)
    {
        // Parsed in place: the region's string is the configured default's when they are equal (nearly every request).
        var region = RegionFromAuthorization(request.Headers.Authorization.ToString())
            ?? (request.QueryString.HasValue ? RegionFromCredential(request.Query["X-Amz-Credential"].ToString()) : null)
            ?? _options.DefaultRegion;
        // The caller's own account (accounts other than the configured one exist: `nimbus account create`).
        var account = request.HttpContext.Features.Get<CallerIdentity>()?.Account ?? _options.AccountId;
        return new Scope(account, region);
    }

    private string? RegionFromAuthorization(string authorization)
    {
        const string marker = "Credential=";
        var start = authorization.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var rest = authorization.AsSpan(start + marker.Length);
        var end = rest.IndexOfAny(',', ' ');
        return RegionFromCredential(end < 0 ? rest : rest[..end]);
    }

    /// <summary>Takes the third part of <c>AKID/date/region/service/aws4_request</c>.</summary>
    private string? RegionFromCredential(ReadOnlySpan<char> credential)
    {
        Span<Range> parts = stackalloc Range[6];
        if (credential.Split(parts, '/') < 5)
        {
            return null;
        }

        var region = credential[parts[2]];
        return region.Length == 0 ? null
            : region.SequenceEqual(_options.DefaultRegion) ? _options.DefaultRegion
            : region.ToString();
    }
}
