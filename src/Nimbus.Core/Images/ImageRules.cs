// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;

namespace Nimbus.Core.Images;

/// <summary>The distribution spec's and ECR's rules for repository names, tags and digests.</summary>
public static partial class ImageRules
{
    /// <summary>ECR's RepositoryName pattern (botocore), which is the distribution spec's path-component grammar.</summary>
    public const string RepositoryNamePattern = "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*";

    /// <summary>An image is at most 10 GB uncompressed on Lambda.</summary>
    public const long MaxUncompressedImageBytes = 10L * 1024 * 1024 * 1024;

    public static bool IsRepositoryName(string? name) =>
        name is { Length: >= 2 and <= 256 } && RepositoryName().IsMatch(name);

    /// <summary>The distribution spec's tag grammar: <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
    public static bool IsTag(string? tag) => tag is not null && Tag().IsMatch(tag);

    /// <summary>A SHA-256 digest in the only form Nimbus stores: <c>sha256:</c> and 64 lowercase hex digits.</summary>
    public static bool IsSha256Digest(string? digest) => digest is { Length: 71 } && Sha256Digest().IsMatch(digest);

    [GeneratedRegex("^(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*/)*[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryName();

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [GeneratedRegex("^sha256:[a-f0-9]{64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Digest();
}
