// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Images;

namespace Nimbus.Core.Storage;

/// <summary>The container registry's metadata: repositories, their manifests (by digest) and tags.</summary>
public interface IRegistryStore
{
    /// <summary>False when a repository of that name exists.</summary>
    Task<bool> TryCreateRepositoryAsync(Scope scope, RepositoryRecord repository, CancellationToken cancellationToken);

    Task<RepositoryRecord?> GetRepositoryAsync(Scope scope, string name, CancellationToken cancellationToken);

    /// <summary>Repositories ordered by name, after <paramref name="after"/> (exclusive).</summary>
    Task<IReadOnlyList<RepositoryRecord>> ListRepositoriesAsync(Scope scope, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes the repository with its images and tags; without <paramref name="force"/> only an empty one. Null when there is none.</summary>
    Task<RepositoryDeletion> DeleteRepositoryAsync(Scope scope, string name, bool force, CancellationToken cancellationToken);

    /// <summary>Stores a manifest (a no-op when the digest is there) and points <paramref name="tag"/> at it, in one transaction.</summary>
    Task PutManifestAsync(Scope scope, ManifestRecord manifest, string? tag, CancellationToken cancellationToken);

    /// <summary>The manifest a digest or tag names, with its tags; null when there is none.</summary>
    Task<ManifestRecord?> GetManifestAsync(Scope scope, string repository, string reference, CancellationToken cancellationToken);

    /// <summary>Every manifest of the repository with its tags, newest first.</summary>
    Task<IReadOnlyList<ManifestRecord>> ListManifestsAsync(Scope scope, string repository, CancellationToken cancellationToken);

    /// <summary>Deletes a manifest and its tags; false when it was not there.</summary>
    Task<bool> DeleteManifestAsync(Scope scope, string repository, string digest, CancellationToken cancellationToken);

    /// <summary>Removes one tag; false when it was not there.</summary>
    Task<bool> UntagAsync(Scope scope, string repository, string tag, CancellationToken cancellationToken);

    /// <summary>Whether any manifest of any repository references the blob (a layer, a config) or the manifest digest.</summary>
    Task<bool> IsReferencedAsync(string digest, CancellationToken cancellationToken);
}
