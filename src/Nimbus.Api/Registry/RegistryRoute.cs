// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Registry;

/// <summary>A distribution API path taken apart: <c>/v2/&lt;name&gt;/{manifests/&lt;ref&gt; | blobs/&lt;digest&gt; | blobs/uploads/[&lt;id&gt;] | tags/list}</c>.</summary>
internal readonly record struct RegistryRoute(RegistryRouteKind Kind, string Name, string Reference)
{
    public static RegistryRoute Parse(string path)
    {
        if (path is "/v2" or "/v2/")
        {
            return new RegistryRoute(RegistryRouteKind.Ping, "", "");
        }

        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            return default;
        }

        var rest = path[4..];
        if (rest.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            return new RegistryRoute(RegistryRouteKind.Tags, rest[..^"/tags/list".Length], "");
        }

        var uploads = rest.LastIndexOf("/blobs/uploads", StringComparison.Ordinal);
        if (uploads > 0)
        {
            var id = rest[(uploads + "/blobs/uploads".Length)..].Trim('/');
            return new RegistryRoute(RegistryRouteKind.Upload, rest[..uploads], id);
        }

        var manifests = rest.LastIndexOf("/manifests/", StringComparison.Ordinal);
        if (manifests > 0)
        {
            return new RegistryRoute(RegistryRouteKind.Manifest, rest[..manifests], rest[(manifests + "/manifests/".Length)..]);
        }

        var blobs = rest.LastIndexOf("/blobs/", StringComparison.Ordinal);
        return blobs > 0 ? new RegistryRoute(RegistryRouteKind.Blob, rest[..blobs], rest[(blobs + "/blobs/".Length)..]) : default;
    }
}
