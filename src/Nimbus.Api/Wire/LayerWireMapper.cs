// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using Nimbus.Core.Layers;

namespace Nimbus.Api.Wire;

/// <summary>Maps layer versions to and from the layers operations' wire shapes.</summary>
internal static class LayerWireMapper
{
    public static LayerPublish ToPublish(PublishLayerVersionRequestWire request) => new()
    {
        Content = request.Content is { } content
            ? new CodeUpload { ZipFile = content.ZipFile is null ? null : content.ZipFile, S3Bucket = content.S3Bucket, S3Key = content.S3Key }
            : null,
        Description = request.Description,
        CompatibleRuntimes = request.CompatibleRuntimes,
        CompatibleArchitectures = request.CompatibleArchitectures,
        LicenseInfo = request.LicenseInfo,
    };

    /// <param name="version">The layer version.</param>
    /// <param name="location">The presigned URL of its zip.</param>
    public static LayerVersionWire ToWire(LayerVersion version, string location) => new()
    {
        Content = new LayerContentOutputWire { Location = location, CodeSha256 = version.CodeSha256, CodeSize = version.CodeSize },
        LayerArn = version.LayerArn,
        LayerVersionArn = version.LayerVersionArn,
        Description = version.Description,
        CreatedDate = WireMapper.FormatTimestamp(version.CreatedDate),
        Version = version.Version,
        CompatibleRuntimes = NullIfEmpty(version.CompatibleRuntimes),
        CompatibleArchitectures = NullIfEmpty(version.CompatibleArchitectures),
        LicenseInfo = version.LicenseInfo,
    };

    public static LayerVersionsListItemWire ToListItem(LayerVersion version) => new()
    {
        LayerVersionArn = version.LayerVersionArn,
        Version = version.Version,
        Description = version.Description,
        CreatedDate = WireMapper.FormatTimestamp(version.CreatedDate),
        CompatibleRuntimes = NullIfEmpty(version.CompatibleRuntimes),
        CompatibleArchitectures = NullIfEmpty(version.CompatibleArchitectures),
        LicenseInfo = version.LicenseInfo,
    };

    // AWS leaves out the lists a version was published without.
    private static IReadOnlyList<string>? NullIfEmpty(IReadOnlyList<string> values) => values.Count == 0 ? null : values;
}
