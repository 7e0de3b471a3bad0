// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Layers;

namespace Nimbus.Core.Storage;

/// <summary>
/// Durable layer versions, with the same commit rule as every store (<see cref="IStoreSchema"/>). A deleted version is hidden
/// from reads at once but its row stays until no function refers to it (<see cref="PurgeDeletedLayerVersionsAsync"/>),
/// so its code keeps working for the functions that use it, as on AWS. SQLite implements it beside the functions
/// (the purge looks into their configurations).
/// </summary>
public interface ILayerStore
{
    /// <summary>Stores <paramref name="draft"/> as the layer's next version (1 for a new layer; numbers are never reused).</summary>
    Task<LayerVersion> PublishLayerVersionAsync(LayerVersion draft, CancellationToken cancellationToken);

    /// <summary>A version that exists and is not deleted, or null.</summary>
    Task<LayerVersion?> GetLayerVersionAsync(Scope scope, string name, long version, CancellationToken cancellationToken);

    /// <summary>Live versions of one layer matching the filter, newest first, older than <paramref name="beforeVersion"/>.</summary>
    Task<IReadOnlyList<LayerVersion>> ListLayerVersionsAsync(Scope scope, string name, LayerFilter filter, long? beforeVersion, int limit, CancellationToken cancellationToken);

    /// <summary>For each layer of the scope after <paramref name="afterName"/> (name order), its newest live version matching the filter.</summary>
    Task<IReadOnlyList<LayerVersion>> ListLatestLayerVersionsAsync(Scope scope, LayerFilter filter, string? afterName, int limit, CancellationToken cancellationToken);

    /// <summary>Marks a version deleted; false when there was no live version.</summary>
    Task<bool> DeleteLayerVersionAsync(Scope scope, string name, long version, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a live version's permissions and policy revision if its stored policy revision is still
    /// <paramref name="expectedPolicyRevisionId"/> (compare-and-swap); false when it changed or the version is gone.
    /// </summary>
    Task<bool> TryUpdateLayerPolicyAsync(LayerVersion updated, string? expectedPolicyRevisionId, CancellationToken cancellationToken);

    /// <summary>True when a stored layer version (live, or deleted but still used) has this code.</summary>
    Task<bool> IsLayerCodeReferencedAsync(string codeSha256, CancellationToken cancellationToken);

    /// <summary>Removes deleted versions no stored function version refers to; returns their CodeSha256s.</summary>
    Task<IReadOnlyList<string>> PurgeDeletedLayerVersionsAsync(CancellationToken cancellationToken);
}
