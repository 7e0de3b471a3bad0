// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Layers;

/// <summary>One page of ListLayers (the newest matching version of each layer) or ListLayerVersions.</summary>
public sealed record LayerPage(IReadOnlyList<LayerVersion> Versions, string? NextMarker);
