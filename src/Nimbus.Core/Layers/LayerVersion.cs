// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Layers;

/// <summary>
/// One published version of a layer: immutable content (a zip in the code store) and metadata, plus the
/// layer-version policy that grants other accounts <c>lambda:GetLayerVersion</c>.
/// </summary>
public sealed record LayerVersion
{
    public required Scope Scope { get; init; }

    public required string LayerName { get; init; }

    /// <summary>1, 2, ... per layer; assigned by the store and never reused, even after a delete.</summary>
    public long Version { get; init; }

    public string Description { get; init; } = "";

    public DateTimeOffset CreatedDate { get; init; }

    public IReadOnlyList<string> CompatibleRuntimes { get; init; } = [];

    public IReadOnlyList<string> CompatibleArchitectures { get; init; } = [];

    public string? LicenseInfo { get; init; }

    public required string CodeSha256 { get; init; }

    public long CodeSize { get; init; }

    public long UnzippedCodeSize { get; init; }

    /// <summary>The statements of the layer version's policy, in the order they were added.</summary>
    public IReadOnlyList<LayerStatement> Permissions { get; init; } = [];

    /// <summary>Changes with every change of <see cref="Permissions"/>; null while there has been none.</summary>
    public string? PolicyRevisionId { get; init; }

    public string LayerArn => LayerArns.Layer(Scope, LayerName);

    public string LayerVersionArn => LayerArns.Version(Scope, LayerName, Version);
}
