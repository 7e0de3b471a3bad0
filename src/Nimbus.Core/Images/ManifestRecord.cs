// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>One image (a manifest or an index) in a repository, by digest, with the tags that point at it.</summary>
public sealed record ManifestRecord
{
    public required string Repository { get; init; }

    /// <summary><c>sha256:</c> and 64 hex digits: the SHA-256 of <see cref="Content"/>.</summary>
    public required string Digest { get; init; }

    public required string MediaType { get; init; }

    /// <summary>The manifest's bytes as pushed (the digest is theirs, so they are kept exactly).</summary>
    public required byte[] Content { get; init; }

    /// <summary>The image's size as ECR reports it: the sum of its layers' (compressed) sizes.</summary>
    public long Size { get; init; }

    public DateTimeOffset PushedAt { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The blobs (config and layers) or, for an index, the manifests this one references.</summary>
    public IReadOnlyList<string> References { get; init; } = [];
}
