// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nimbus.Core.Images;

namespace Nimbus.Execution.Images;

/// <summary>
/// Pulls from another OCI registry: manifests and blobs by the distribution API, anonymously or with the bearer token
/// a registry's 401 challenge names (Docker Hub's, GHCR's and most registries' flow for public images). Plain HTTP is
/// used for registries on loopback only (as Docker allows for 127.0.0.0/8); TLS everywhere else.
/// </summary>
internal sealed class RemoteRegistry(HttpClient http)
{
    public static bool IsLoopback(string registry)
    {
        var host = registry.StartsWith('[') ? registry[1..registry.IndexOf(']', StringComparison.Ordinal)] : registry.Split(':')[0];
        return host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>A manifest's bytes and media type, or null when the registry has none by that reference.</summary>
    public async Task<(byte[] Content, string MediaType)?> GetManifestAsync(string registry, string repository, string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(registry, $"/v2/{repository}/manifests/{reference}", repository, OciMediaTypes.AcceptAll, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return (content, response.Content.Headers.ContentType?.MediaType ?? "");
    }

    /// <summary>A blob's content; the caller disposes the response through the stream.</summary>
    public async Task<Stream> OpenBlobAsync(string registry, string repository, string digest, CancellationToken cancellationToken)
    {
        var response = await SendAsync(registry, $"/v2/{repository}/blobs/{digest}", repository, null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new InvalidDataException($"the registry {registry} answered {(int)response.StatusCode} for the blob {digest}");
        }

        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(string registry, string path, string repository, string? accept, CancellationToken cancellationToken)
    {
        var uri = new Uri((IsLoopback(registry) ? "http://" : "https://") + registry + path);
        var response = await http.SendAsync(Request(uri, accept, null), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || Bearer(response) is not { } challenge)
        {
            return response;
        }

        response.Dispose();
        var token = await TokenAsync(challenge, repository, cancellationToken);
        return await http.SendAsync(Request(uri, accept, token), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static HttpRequestMessage Request(Uri uri, string? accept, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static Dictionary<string, string>? Bearer(HttpResponseMessage response)
    {
        foreach (var header in response.Headers.WwwAuthenticate)
        {
            if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
            {
                var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var part in parameter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = part.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0)
                    {
                        values[part[..equals]] = part[(equals + 1)..].Trim('"');
                    }
                }

                return values;
            }
        }

        return null;
    }

    /// <summary>An anonymous pull token from the realm a challenge names.</summary>
    private async Task<string> TokenAsync(Dictionary<string, string> challenge, string repository, CancellationToken cancellationToken)
    {
        if (!challenge.TryGetValue("realm", out var realm))
        {
            throw new InvalidDataException("the registry asked for a token without naming where to get one");
        }

        var query = new List<string>();
        if (challenge.TryGetValue("service", out var service))
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        query.Add("scope=" + Uri.EscapeDataString(challenge.TryGetValue("scope", out var scope) ? scope : $"repository:{repository}:pull"));
        using var response = await http.GetAsync(realm + (realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', query), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), default, cancellationToken);
        var root = document.RootElement;
        return (root.TryGetProperty("token", out var token) ? token.GetString() : root.TryGetProperty("access_token", out var access) ? access.GetString() : null)
            ?? throw new InvalidDataException("the registry's token service answered without a token");
    }
}
