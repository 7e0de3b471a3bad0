// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.FunctionUrls;

/// <summary>
/// Function URL addresses: <c>http://&lt;url-id&gt;.lambda-url.&lt;region&gt;.localhost:&lt;port&gt;/</c> by host name
/// (<c>*.localhost</c> resolves to loopback in curl and browsers), and the path form
/// <c>http://&lt;host&gt;:&lt;port&gt;/_url/&lt;url-id&gt;/...</c> for clients that cannot resolve it.
/// </summary>
internal static class FunctionUrlAddress
{
    public const string PathPrefix = "/_url/";

    private const string HostMarker = ".lambda-url.";

    /// <summary>The FunctionUrl the API reports, on the port the request came in on.</summary>
    public static string Of(HttpRequest request, string region, string urlId)
    {
        var port = request.Host.Port ?? request.HttpContext.Connection.LocalPort;
        return string.Create(CultureInfo.InvariantCulture, $"http://{urlId}{HostMarker}{region}.localhost:{port}/");
    }

    /// <summary>
    /// Whether the request is for a function URL, and which: the host form's id, or the path form's id with the rest
    /// of the path (the function's own path, "/" when nothing follows the id). Cheap: every request passes here.
    /// </summary>
    public static bool TryParse(HttpRequest request, out string urlId, out string domainName, out string path)
    {
        // Host.Value is the header as sent (no allocation); Host.Host would cut a new string off it every request.
        var marker = (request.Host.Value ?? "").AsSpan().IndexOf(HostMarker, StringComparison.OrdinalIgnoreCase);
        if (marker > 0)
        {
            var host = request.Host.Host;
            urlId = host[..marker].ToLowerInvariant();
            domainName = host;
            path = request.Path.Value is { Length: > 0 } p ? p : "/";
            return true;
        }

        var full = request.Path.Value;
        if (full is not null && full.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            var rest = full.AsSpan(PathPrefix.Length);
            var slash = rest.IndexOf('/');
            urlId = (slash < 0 ? rest : rest[..slash]).ToString();
            path = slash < 0 ? "/" : rest[slash..].ToString();
            domainName = request.Host.Host;
            return true;
        }

        urlId = domainName = path = "";
        return false;
    }

    /// <summary>True for requests <see cref="TryParse"/> would take: the authentication middleware leaves them to the URL handler.</summary>
    public static bool IsFunctionUrl(HttpRequest request) =>
        request.Path.StartsWithSegments("/_url") || (request.Host.Value ?? "").Contains(HostMarker, StringComparison.OrdinalIgnoreCase);
}
