// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nimbus.Core.Images;

namespace Nimbus.Execution.Images;

/// <summary>
/// Pulls from another OCI registry: manifests and blobs by the distribution API, anonymously or as a registry's 401
/// challenge (<c>WWW-Authenticate</c>) asks: <c>Basic</c> with the credentials <see cref="RegistryCredentials"/> holds for
/// the registry's host, or <c>Bearer</c> with a token from the realm the challenge names (asked for with those
/// credentials when there are some, anonymously else: Docker Hub's, GHCR's and most registries' flow). A registry that
/// still refuses is a <see cref="RegistryAccessException"/>. Plain HTTP is used for registries on loopback only (as
/// Docker allows for 127.0.0.0/8); TLS everywhere else. A token is kept per registry and repository for the lifetime
/// its service gives (<c>expires_in</c>, 60 s when unsaid, as the distribution token spec says) and sent with the next
/// requests at once, so a pull of many layers asks for it once; a change of the auth file drops it.
/// </summary>
internal sealed partial class RemoteRegistry(HttpClient http, RegistryCredentials credentials, TimeProvider time)
{
    /// <summary>Tokens the distribution spec's services give without <c>expires_in</c> are valid 60 seconds.</summary>
    private const int DefaultTokenSeconds = 60;

    /// <summary>A token is not sent in the last seconds of its life (the request could arrive after it).</summary>
    private static readonly TimeSpan TokenMargin = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Registry, string Repository), CachedToken> _tokens = new();

    [GeneratedRegex("""(?<name>[A-Za-z_]+)=(?:"(?<quoted>[^"]*)"|(?<plain>[^,\s]*))""")]
    private static partial Regex ChallengeParameter();

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
        var version = credentials.Version();
        var cached = _tokens.TryGetValue((registry, repository), out var kept) && kept.Version == version && kept.Expires > time.GetUtcNow()
            ? new AuthenticationHeaderValue("Bearer", kept.Token)
            : null;
        var response = await http.SendAsync(Request(uri, accept, cached), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            _tokens.TryRemove((registry, repository), out _);
            var login = await credentials.FindAsync(registry, cancellationToken);
            AuthenticationHeaderValue? authorization = null;
            if (Challenge(response, "Bearer") is { } bearer)
            {
                var token = await TokenAsync(registry, bearer, repository, login, cancellationToken);
                _tokens[(registry, repository)] = new CachedToken(token.Value, time.GetUtcNow() + token.Lifetime - TokenMargin, version);
                authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            }
            else if (Challenge(response, "Basic") is not null && login is { } basic)
            {
                authorization = new AuthenticationHeaderValue("Basic", BasicParameter(basic));
            }

            if (authorization is not null)
            {
                response.Dispose();
                response = await http.SendAsync(Request(uri, accept, authorization), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            var held = await credentials.FindAsync(registry, cancellationToken) is not null;
            throw new RegistryAccessException($"the registry {registry} refused the pull ({status}){(held ? "" : $"; {credentials.FilePath} has no credentials for it")}");
        }

        return response;
    }

    private static HttpRequestMessage Request(Uri uri, string? accept, AuthenticationHeaderValue? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        request.Headers.Authorization = authorization;

        return request;
    }

    private static string BasicParameter((string User, string Password) login) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(login.User + ":" + login.Password));

    /// <summary>The parameters of the response's challenge of <paramref name="scheme"/>, or null when it has none.</summary>
    private static Dictionary<string, string>? Challenge(HttpResponseMessage response, string scheme)
    {
        foreach (var header in response.Headers.WwwAuthenticate)
        {
            if (header.Scheme.Equals(scheme, StringComparison.OrdinalIgnoreCase))
            {
                var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                // Quoted values may hold commas (scope="repository:a/b:pull,push").
                foreach (Match part in ChallengeParameter().Matches(header.Parameter ?? ""))
                {
                    values[part.Groups["name"].Value] = part.Groups["quoted"].Success ? part.Groups["quoted"].Value : part.Groups["plain"].Value;
                }

                return values;
            }
        }

        return null;
    }

    /// <summary>A pull token from the realm a challenge names, asked for with the registry's credentials when there are some.</summary>
    private async Task<(string Value, TimeSpan Lifetime)> TokenAsync(string registry, Dictionary<string, string> challenge, string repository, (string User, string Password)? login, CancellationToken cancellationToken)
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
        using var request = new HttpRequestMessage(HttpMethod.Get, realm + (realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', query));
        if (login is { } basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicParameter(basic));
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RegistryAccessException($"the token service of {registry} refused {(login is null ? "an anonymous pull" : "the credentials")} ({(int)response.StatusCode})");
        }

        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), default, cancellationToken);
        var root = document.RootElement;
        var value = (root.TryGetProperty("token", out var token) ? token.GetString() : root.TryGetProperty("access_token", out var access) ? access.GetString() : null)
            ?? throw new InvalidDataException("the registry's token service answered without a token");
        var seconds = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var given) && given > 0 ? given : DefaultTokenSeconds;
        return (value, TimeSpan.FromSeconds(seconds));
    }

    private sealed record CachedToken(string Token, DateTimeOffset Expires, (long Written, long Length) Version);
}
