// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

// Wire shapes of the layers operations (botocore lambda/2015-03-31 service-2.json, API version 2018-10-31).
internal sealed record LayerContentWire
{
    public byte[]? ZipFile { get; init; }

    public string? S3Bucket { get; init; }

    public string? S3Key { get; init; }

    public string? S3ObjectVersion { get; init; }
}

internal sealed record PublishLayerVersionRequestWire
{
    public string? Description { get; init; }

    public LayerContentWire? Content { get; init; }

    public List<string>? CompatibleRuntimes { get; init; }

    public List<string>? CompatibleArchitectures { get; init; }

    public string? LicenseInfo { get; init; }
}

internal sealed record LayerContentOutputWire
{
    public required string Location { get; init; }

    public required string CodeSha256 { get; init; }

    public long CodeSize { get; init; }
}

/// <summary>PublishLayerVersion's and GetLayerVersion's answer.</summary>
internal sealed record LayerVersionWire
{
    public required LayerContentOutputWire Content { get; init; }

    public required string LayerArn { get; init; }

    public required string LayerVersionArn { get; init; }

    public string? Description { get; init; }

    public required string CreatedDate { get; init; }

    public long Version { get; init; }

    public IReadOnlyList<string>? CompatibleRuntimes { get; init; }

    public IReadOnlyList<string>? CompatibleArchitectures { get; init; }

    public string? LicenseInfo { get; init; }
}

internal sealed record LayerVersionsListItemWire
{
    public required string LayerVersionArn { get; init; }

    public long Version { get; init; }

    public string? Description { get; init; }

    public required string CreatedDate { get; init; }

    public IReadOnlyList<string>? CompatibleRuntimes { get; init; }

    public IReadOnlyList<string>? CompatibleArchitectures { get; init; }

    public string? LicenseInfo { get; init; }
}

internal sealed record LayersListItemWire
{
    public required string LayerName { get; init; }

    public required string LayerArn { get; init; }

    public required LayerVersionsListItemWire LatestMatchingVersion { get; init; }
}

internal sealed record ListLayersResponseWire
{
    public string? NextMarker { get; init; }

    public required List<LayersListItemWire> Layers { get; init; }
}

internal sealed record ListLayerVersionsResponseWire
{
    public string? NextMarker { get; init; }

    public required List<LayerVersionsListItemWire> LayerVersions { get; init; }
}

internal sealed record AddLayerVersionPermissionRequestWire
{
    public string? StatementId { get; init; }

    public string? Action { get; init; }

    public string? Principal { get; init; }

    public string? OrganizationId { get; init; }
}

internal sealed record AddLayerVersionPermissionResponseWire
{
    public required string Statement { get; init; }

    public required string RevisionId { get; init; }
}

internal sealed record GetLayerVersionPolicyResponseWire
{
    public required string Policy { get; init; }

    public required string RevisionId { get; init; }
}
