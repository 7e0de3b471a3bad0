// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>An ImageUri taken apart: <c>registry[:port]/repository(:tag|@digest)</c>.</summary>
public sealed record ImageUri(string Registry, string Repository, string Reference)
{
    public static ImageUri? TryParse(string? uri)
    {
        if (string.IsNullOrEmpty(uri))
        {
            return null;
        }

        var slash = uri.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var registry = uri[..slash];
        var rest = uri[(slash + 1)..];
        string repository, reference;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            repository = rest[..at];
            reference = rest[(at + 1)..];
            if (!ImageRules.IsSha256Digest(reference))
            {
                return null;
            }
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            repository = colon > 0 ? rest[..colon] : rest;
            reference = colon > 0 ? rest[(colon + 1)..] : "latest";
            if (!ImageRules.IsTag(reference))
            {
                return null;
            }
        }

        return ImageRules.IsRepositoryName(repository) ? new ImageUri(registry, repository, reference) : null;
    }
}
