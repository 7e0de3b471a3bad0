// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Images;

/// <summary>
/// A parsed image manifest (config and layers) or index (manifests by platform), OCI or Docker schema 2. Parsing
/// checks only what a registry must: the media type, and that every descriptor has a SHA-256 digest and a size.
/// </summary>
public sealed record OciManifest
{
    public required string MediaType { get; init; }

    public OciDescriptor? Config { get; init; }

    public IReadOnlyList<OciDescriptor> Layers { get; init; } = [];

    /// <summary>An index's entries.</summary>
    public IReadOnlyList<OciDescriptor> Manifests { get; init; } = [];

    public bool IsIndex => OciMediaTypes.IsIndex(MediaType);

    /// <summary>The sum of the layers' sizes (ECR's imageSizeInBytes).</summary>
    public long LayersSize
    {
        get
        {
            long total = 0;
            foreach (var layer in Layers)
            {
                total += layer.Size;
            }

            return total;
        }
    }

    /// <summary>
    /// Parses <paramref name="content"/>; the media type comes from the document or, where it has none, from the
    /// Content-Type it was sent with. Null when it is not a manifest Nimbus takes.
    /// </summary>
    public static OciManifest? TryParse(ReadOnlySpan<byte> content, string? contentType, out string? error)
    {
        error = null;
        try
        {
            var reader = new Utf8JsonReader(content);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the manifest is not a JSON object";
                return null;
            }

            var mediaType = root.TryGetProperty("mediaType", out var declared) && declared.ValueKind == JsonValueKind.String
                ? declared.GetString()!
                : StripParameters(contentType);
            if (mediaType is null || !OciMediaTypes.IsSupported(mediaType))
            {
                error = $"unsupported manifest media type {mediaType ?? "(none)"}";
                return null;
            }

            if (OciMediaTypes.IsIndex(mediaType))
            {
                var manifests = Descriptors(root, "manifests", ref error);
                return error is null ? new OciManifest { MediaType = mediaType, Manifests = manifests } : null;
            }

            if (!root.TryGetProperty("config", out var config) || Descriptor(config, ref error) is not { } configDescriptor)
            {
                error ??= "the manifest has no config";
                return null;
            }

            var layers = Descriptors(root, "layers", ref error);
            return error is null ? new OciManifest { MediaType = mediaType, Config = configDescriptor, Layers = layers } : null;
        }
        catch (JsonException)
        {
            error = "the manifest is not valid JSON";
            return null;
        }
    }

    /// <summary>The linux/amd64 entry of an index (AWS Lambda's x86_64), or null.</summary>
    public OciDescriptor? PickPlatform(string os, string architecture)
    {
        foreach (var entry in Manifests)
        {
            if (entry.Os == os && entry.Architecture == architecture)
            {
                return entry;
            }
        }

        return null;
    }

    private static string? StripParameters(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
    }

    private static List<OciDescriptor> Descriptors(JsonElement root, string name, ref string? error)
    {
        var list = new List<OciDescriptor>();
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return list;
        }

        foreach (var item in array.EnumerateArray())
        {
            if (Descriptor(item, ref error) is not { } descriptor)
            {
                return list;
            }

            list.Add(descriptor);
        }

        return list;
    }

    private static OciDescriptor? Descriptor(JsonElement item, ref string? error)
    {
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.String
            || !item.TryGetProperty("size", out var size) || !size.TryGetInt64(out var bytes))
        {
            error = "a descriptor lacks its digest or size";
            return null;
        }

        var value = digest.GetString()!;
        if (!ImageRules.IsSha256Digest(value))
        {
            error = $"unsupported digest {value}";
            return null;
        }

        var mediaType = item.TryGetProperty("mediaType", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : "";
        string? os = null, architecture = null, variant = null;
        if (item.TryGetProperty("platform", out var platform) && platform.ValueKind == JsonValueKind.Object)
        {
            os = platform.TryGetProperty("os", out var o) ? o.GetString() : null;
            architecture = platform.TryGetProperty("architecture", out var a) ? a.GetString() : null;
            variant = platform.TryGetProperty("variant", out var v) ? v.GetString() : null;
        }

        return new OciDescriptor(mediaType, value, bytes, os, architecture, variant);
    }
}
