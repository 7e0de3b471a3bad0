// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;

namespace Nimbus.Core.Layers;

/// <summary>What a PublishLayerVersion request asks for.</summary>
public sealed record LayerPublish
{
    public CodeUpload? Content { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string>? CompatibleRuntimes { get; init; }

    public IReadOnlyList<string>? CompatibleArchitectures { get; init; }

    public string? LicenseInfo { get; init; }
}
