// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.Registry;

/// <summary>
/// The registry's addresses: <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.localhost:&lt;port&gt;</c> by host name, as ECR's
/// <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com</c>, and <c>/v2/</c> on any host name (<c>127.0.0.1:9000/repo:tag</c>)
/// for clients that cannot resolve <c>*.localhost</c>: no other API of the endpoint has paths under <c>/v2</c>.
/// </summary>
internal static class RegistryAddress
{
    public const string HostMarker = ".dkr.ecr.";

    /// <summary>True for requests the registry takes: the authentication middleware leaves them to its own (Basic/Bearer) scheme.</summary>
    public static bool IsRegistry(HttpRequest request) =>
        request.Path.StartsWithSegments("/v2") || (request.Host.Value ?? "").Contains(HostMarker, StringComparison.OrdinalIgnoreCase);

    /// <summary>The account and region a registry host names (<c>000000000000.dkr.ecr.us-east-1.localhost</c>), or nulls.</summary>
    public static (string? Account, string? Region) FromHost(string host)
    {
        var marker = host.IndexOf(HostMarker, StringComparison.OrdinalIgnoreCase);
        if (marker <= 0)
        {
            return (null, null);
        }

        var account = host[..marker];
        var rest = host[(marker + HostMarker.Length)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return (account, dot > 0 ? rest[..dot] : null);
    }

    /// <summary>The registry host name of an account and region on the port the request came in on (ECR's proxyEndpoint, repositoryUri).</summary>
    public static string HostOf(HttpRequest request, string account, string region)
    {
        var port = request.Host.Port ?? request.HttpContext.Connection.LocalPort;
        return string.Create(CultureInfo.InvariantCulture, $"{account}{HostMarker}{region}.localhost:{port}");
    }
}
