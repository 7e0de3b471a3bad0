// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;

namespace Nimbus.Execution.Images;

/// <summary>
/// Credentials for other registries, per registry host, from an auth file in the format of Docker's
/// <c>config.json</c> and containers' <c>auth.json</c> (what <c>docker login</c>, <c>podman login</c> and
/// <c>skopeo login --authfile</c> write): <c>{"auths": {"registry.example.com[:port]": {"auth": base64("user:password")}}}</c>,
/// or <c>"username"</c> and <c>"password"</c> in place of <c>"auth"</c>. The file is read on every pull, so a login made
/// while the server runs is used at once. Nothing read here is ever logged.
/// </summary>
internal sealed class RegistryCredentials(string path)
{
    /// <summary>Where the credentials are read from.</summary>
    public string FilePath => path;

    /// <summary>The user and password for <paramref name="registry"/> (host[:port]), or null when the file has none.</summary>
    public (string User, string Password)? Find(string registry)
    {
        try
        {
            return FindIn(registry);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            // Never the parser's message: it may quote the file's content.
            throw new RegistryAccessException($"{path} is not a valid auth file (Docker's config.json format)");
        }
    }

    private (string User, string Password)? FindIn(string registry)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        using var document = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
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
