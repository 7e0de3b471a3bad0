// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.Core.Images;

/// <summary>
/// The container registry's rules, shared by the OCI distribution API and the ECR API: repositories, manifests
/// pushed (digest, references and tag mutability checked), read and deleted, and blobs removed once no manifest
/// references them. State goes through <see cref="IRegistryStore"/> and <see cref="IBlobStore"/>.
/// </summary>
public sealed class ImageRegistry(IRegistryStore store, IBlobStore blobs, TimeProvider time)
{
    /// <summary>ECR's manifest limit: 4 MiB.</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    public IBlobStore Blobs => blobs;

    public Task<RepositoryRecord?> GetRepositoryAsync(Scope scope, string name, CancellationToken cancellationToken) =>
        store.GetRepositoryAsync(scope, name, cancellationToken);

    public async Task<RepositoryRecord> RequireRepositoryAsync(Scope scope, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return await store.GetRepositoryAsync(scope, name, cancellationToken) ?? throw EcrErrors.RepositoryNotFound(name, scope.Account);
    }

    public async Task<RepositoryRecord> CreateRepositoryAsync(Scope scope, string name, string? mutability, bool scanOnPush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!ImageRules.IsRepositoryName(name))
        {
            throw EcrErrors.InvalidRepositoryName(name);
        }

        if (mutability is not (null or "MUTABLE" or "IMMUTABLE"))
        {
            throw EcrErrors.InvalidParameter(
                $"Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'");
        }

        var repository = new RepositoryRecord
        {
            Name = name,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()),
            ImageTagMutability = mutability ?? "MUTABLE",
            ScanOnPush = scanOnPush,
        };
        return await store.TryCreateRepositoryAsync(scope, repository, cancellationToken)
            ? repository
            : throw EcrErrors.RepositoryExists(name, scope.Account);
    }

    public Task<IReadOnlyList<RepositoryRecord>> ListRepositoriesAsync(Scope scope, string? after, int limit, CancellationToken cancellationToken) =>
        store.ListRepositoriesAsync(scope, after, limit, cancellationToken);

    /// <summary>DeleteRepository: with <paramref name="force"/> its images go too; their blobs are removed once unreferenced.</summary>
    public async Task<RepositoryRecord> DeleteRepositoryAsync(Scope scope, string name, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var repository = await RequireRepositoryAsync(scope, name, cancellationToken);
        var deletion = await store.DeleteRepositoryAsync(scope, name, force, cancellationToken);
        if (!deletion.Found)
        {
            throw EcrErrors.RepositoryNotFound(name, scope.Account);
        }

        if (deletion.NotEmpty)
        {
            throw EcrErrors.RepositoryNotEmpty(name, scope.Account);
        }

        await ReleaseAsync(deletion.ReleasedDigests, cancellationToken);
        return repository;
    }

    /// <summary>
    /// A manifest pushed with PUT /v2/&lt;name&gt;/manifests/&lt;reference&gt;: parsed, its digest computed (and compared
    /// with a digest reference), everything it references present, the tag moved unless the repository is immutable.
    /// </summary>
    public async Task<string> PutManifestAsync(Scope scope, RepositoryRecord repository, string reference, byte[] content, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(content);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        string? tag = null;
        if (reference.Contains(':', StringComparison.Ordinal))
        {
            if (reference != digest)
            {
                throw OciException.DigestInvalid($"The manifest's digest {digest} is not the digest {reference} it was pushed as");
            }
        }
        else if (!ImageRules.IsTag(reference))
        {
            throw OciException.TagInvalid($"Invalid tag {reference}");
        }
        else
        {
            tag = reference;
        }

        var manifest = OciManifest.TryParse(content, contentType, out var error) ?? throw OciException.ManifestInvalid(error ?? "invalid manifest");
        var references = new List<string>();
        if (manifest.IsIndex)
        {
            foreach (var entry in manifest.Manifests)
            {
                if (await store.GetManifestAsync(scope, repository.Name, entry.Digest, cancellationToken) is null)
                {
                    throw new OciException("MANIFEST_BLOB_UNKNOWN", $"The manifest {entry.Digest} the index references does not exist in the repository", 400);
                }

                references.Add(entry.Digest);
            }
        }
        else
        {
            foreach (var blob in (IEnumerable<OciDescriptor>)[manifest.Config!, .. manifest.Layers])
            {
                if (blobs.GetSize(blob.Digest) is null)
                {
                    throw OciException.ManifestBlobUnknown(blob.Digest);
                }

                references.Add(blob.Digest);
            }
        }

        if (tag is not null && repository.ImageTagMutability == "IMMUTABLE"
            && await store.GetManifestAsync(scope, repository.Name, tag, cancellationToken) is { } existing && existing.Digest != digest)
        {
            // ECR's text for an overwritten tag in an immutable repository.
            throw OciException.TagInvalid($"The image tag '{tag}' already exists in the '{repository.Name}' repository and cannot be overwritten because the repository is immutable.");
        }

        await store.PutManifestAsync(
            scope,
            new ManifestRecord
            {
                Repository = repository.Name,
                Digest = digest,
                MediaType = manifest.MediaType,
                Content = content,
                Size = manifest.LayersSize,
                PushedAt = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()),
                References = references,
            },
            tag,
            cancellationToken);
        return digest;
    }

    public Task<ManifestRecord?> GetManifestAsync(Scope scope, string repository, string reference, CancellationToken cancellationToken) =>
        store.GetManifestAsync(scope, repository, reference, cancellationToken);

    public Task<IReadOnlyList<ManifestRecord>> ListManifestsAsync(Scope scope, string repository, CancellationToken cancellationToken) =>
        store.ListManifestsAsync(scope, repository, cancellationToken);

    /// <summary>
    /// Deletes what an image id names: a tag alone untags (the image stays while other tags or a digest reference
    /// hold it, as ECR: an image whose last tag goes is deleted); a digest deletes the image with all its tags.
    /// </summary>
    public async Task<ManifestRecord?> DeleteImageAsync(Scope scope, string repository, ImageId id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(id);
        var manifest = await store.GetManifestAsync(scope, repository, id.Digest ?? id.Tag!, cancellationToken);
        if (manifest is null || (id.Tag is not null && id.Digest is not null && !manifest.Tags.Contains(id.Tag)))
        {
            return null;
        }

        if (id.Digest is null && manifest.Tags.Count > 1)
        {
            await store.UntagAsync(scope, repository, id.Tag!, cancellationToken);
            return manifest with { Tags = [id.Tag!] };
        }

        if (await store.DeleteManifestAsync(scope, repository, manifest.Digest, cancellationToken))
        {
            var manifestReferences = OciManifest.TryParse(manifest.Content, manifest.MediaType, out _);
            var released = new List<string>();
            if (manifestReferences is not null)
            {
                released.AddRange(manifestReferences.Layers.Select(l => l.Digest));
                if (manifestReferences.Config is { } config)
                {
                    released.Add(config.Digest);
                }
            }

            await ReleaseAsync(released, cancellationToken);
        }

        return manifest;
    }

    /// <summary>Removes the blobs no manifest references any more.</summary>
    private async Task ReleaseAsync(IReadOnlyList<string> digests, CancellationToken cancellationToken)
    {
        foreach (var digest in digests)
        {
            if (!await store.IsReferencedAsync(digest, cancellationToken))
            {
                blobs.Delete(digest);
            }
        }
    }
}
