// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Layers;

/// <summary>ListLayers / ListLayerVersions filters: only versions that declare this runtime and/or architecture.</summary>
public sealed record LayerFilter(string? CompatibleRuntime, string? CompatibleArchitecture)
{
    public static readonly LayerFilter None = new(null, null);

    public bool Matches(LayerVersion version) =>
        (CompatibleRuntime is null || version.CompatibleRuntimes.Contains(CompatibleRuntime))
        && (CompatibleArchitecture is null || version.CompatibleArchitectures.Contains(CompatibleArchitecture));
}
