// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>
/// What an ImageUri resolved to at create or update: the linux/amd64 manifest's digest, where its layers come from,
/// and the image's own config (ENTRYPOINT, CMD, ENV, WORKDIR), so environments start without the registry.
/// </summary>
public sealed record ResolvedImage
{
    /// <summary><c>sha256:</c> and 64 hex digits: the manifest that runs.</summary>
    public required string Digest { get; init; }

    /// <summary>The registry host (with port) the image came from, as the ImageUri named it.</summary>
    public required string Registry { get; init; }

    public required string Repository { get; init; }

    /// <summary>True when the image is in Nimbus's own registry (its layers are read from the blob store).</summary>
    public bool IsLocal { get; init; }

    /// <summary>The account and region of a local image's repository.</summary>
    public string? Account { get; init; }

    public string? Region { get; init; }

    public IReadOnlyList<OciDescriptor> Layers { get; init; } = [];

    public IReadOnlyList<string>? EntryPoint { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<string> Environment { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    /// <summary>ResolvedImageUri: the repository at the digest.</summary>
    public string Uri => $"{Registry}/{Repository}@{Digest}";

    /// <summary>CodeSha256 of an image function: the digest's hex.</summary>
    public string CodeSha256 => Digest["sha256:".Length..];
}
