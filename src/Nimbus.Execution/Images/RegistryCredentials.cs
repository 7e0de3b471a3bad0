// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;

namespace Nimbus.Execution.Images;

/// <summary>
/// Credentials for other registries, per registry host, from an auth file in the format of Docker's
/// <c>config.json</c> and containers' <c>auth.json</c> (what <c>docker login</c>, <c>podman login</c> and
/// <c>skopeo login --authfile</c> write): <c>{"auths": {"registry.example.com[:port]": {"auth": base64("user:password")}}}</c>,
/// or <c>"username"</c> and <c>"password"</c> in place of <c>"auth"</c>. As Docker does, a credential helper the file
/// names for the host (<c>"credHelpers": {"host": "NAME"}</c>), or else for every host (<c>"credsStore": "NAME"</c>), is
/// asked first: <c>docker-credential-NAME get</c> (<see cref="CredentialHelper"/>). The file is read on every pull, so a
/// login made while the server runs is used at once. Nothing read here is ever logged.
/// </summary>
internal sealed class RegistryCredentials(string path, string? helperSearchPath = null)
{
    /// <summary>Where the credentials are read from.</summary>
    public string FilePath => path;

    /// <summary>Changes whenever the file is written (or made or removed): what was obtained with its credentials is stale.</summary>
    public (long Written, long Length) Version()
    {
        var file = new FileInfo(path);
        return file.Exists ? (file.LastWriteTimeUtc.Ticks, file.Length) : (0, -1);
    }

    /// <summary>The user and password for <paramref name="registry"/> (host[:port]), or null when the file has none.</summary>
    public async Task<(string User, string Password)?> FindAsync(string registry, CancellationToken cancellationToken)
    {
        try
        {
            return await FindInAsync(registry, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            // Never the parser's message: it may quote the file's content.
            throw new RegistryAccessException($"{path} is not a valid auth file (Docker's config.json format)");
        }
    }

    private async Task<(string User, string Password)?> FindInAsync(string registry, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        string? helper;
        (string User, string Password)? entry;
        using (var document = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // Docker's order: the host's own helper, else the default store, else the file's own entries.
            helper = HelperFor(root, registry);
            entry = helper is null ? FromAuths(root, registry) : null;
        }

        return helper is null ? entry : await new CredentialHelper(helper, helperSearchPath).GetAsync(registry, path, cancellationToken);
    }

    private static (string User, string Password)? FromAuths(JsonElement root, string registry)
    {
        if (!root.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var entry in auths.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.Object && string.Equals(HostOf(entry.Name), registry, StringComparison.OrdinalIgnoreCase))
            {
                return Read(entry.Value);
            }
        }

        return null;
    }

    private static string? HelperFor(JsonElement root, string registry)
    {
        if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in helpers.EnumerateObject())
            {
                if (string.Equals(HostOf(entry.Name), registry, StringComparison.OrdinalIgnoreCase))
                {
                    return entry.Value.GetString() is { Length: > 0 } name ? name : null;
                }
            }
        }

        return root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } storeName ? storeName : null;
    }

    /// <summary>An auths key's registry: Docker also writes them as URLs (<c>https://index.docker.io/v1/</c>).</summary>
    private static string HostOf(string key)
    {
        var start = key.IndexOf("://", StringComparison.Ordinal);
        var host = start >= 0 ? key[(start + 3)..] : key;
        var slash = host.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? host[..slash] : host;
    }

    private static (string User, string Password)? Read(JsonElement entry)
    {
        if (entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? (decoded[..colon], decoded[(colon + 1)..]) : null;
        }

        return entry.TryGetProperty("username", out var user) && entry.TryGetProperty("password", out var password)
            && user.GetString() is { Length: > 0 } name && password.GetString() is { } secret
            ? (name, secret)
            : null;
    }
}
