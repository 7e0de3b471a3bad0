// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Images;

namespace Nimbus.Execution.Images;

internal sealed partial class ImageService
{
    /// <summary>Lambda's x86_64 functions run linux/amd64 images; an index is resolved to that entry.</summary>
    private const string Os = "linux";
    private const string Architecture = "amd64";

    private async Task<ResolvedImage> ResolveLocalAsync(ImageUri uri, string imageUri, Scope scope, CancellationToken cancellationToken)
    {
        if (await _registry.GetRepositoryAsync(scope, uri.Repository, cancellationToken) is null
            || await _registry.GetManifestAsync(scope, uri.Repository, uri.Reference, cancellationToken) is not { } top)
        {
            throw NotFound(imageUri);
        }

        var record = top;
        var manifest = OciManifest.TryParse(record.Content, record.MediaType, out _) ?? throw new InvalidDataException("unreadable manifest");
        if (manifest.IsIndex)
        {
            var entry = manifest.PickPlatform(Os, Architecture) ?? throw new InvalidDataException("no linux/amd64 image in the index");
            record = await _registry.GetManifestAsync(scope, uri.Repository, entry.Digest, cancellationToken) ?? throw new InvalidDataException("the index names a missing manifest");
            manifest = OciManifest.TryParse(record.Content, record.MediaType, out _) ?? throw new InvalidDataException("unreadable manifest");
        }

        if (manifest.IsIndex || manifest.Config is not { } config)
        {
            throw new InvalidDataException("nested index");
        }

        await using var configStream = _registry.Blobs.OpenRead(config.Digest) ?? throw new InvalidDataException("the image's config is missing");
        using var document = await JsonDocument.ParseAsync(configStream, default, cancellationToken);
        return FromConfig(uri, record.Digest, manifest, document.RootElement) with { IsLocal = true, Account = scope.Account, Region = scope.Region };
    }

    private async Task<ResolvedImage> ResolveRemoteAsync(ImageUri uri, string imageUri, CancellationToken cancellationToken)
    {
        var fetched = await _remote.GetManifestAsync(uri.Registry, uri.Repository, uri.Reference, cancellationToken) ?? throw NotFound(imageUri);
        var (content, mediaType) = fetched;
        var manifest = OciManifest.TryParse(content, mediaType, out _) ?? throw new InvalidDataException("unreadable manifest");
        if (manifest.IsIndex)
        {
            var entry = manifest.PickPlatform(Os, Architecture) ?? throw new InvalidDataException("no linux/amd64 image in the index");
            (content, mediaType) = await _remote.GetManifestAsync(uri.Registry, uri.Repository, entry.Digest, cancellationToken) ?? throw new InvalidDataException("the index names a missing manifest");
            manifest = OciManifest.TryParse(content, mediaType, out _) ?? throw new InvalidDataException("unreadable manifest");
        }

        if (manifest.IsIndex || manifest.Config is not { } config)
        {
            throw new InvalidDataException("nested index");
        }

        // The registry's answer is checked against the digest it is known by: a manifest is content-addressed.
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        await using var configStream = await _remote.OpenBlobAsync(uri.Registry, uri.Repository, config.Digest, cancellationToken);
        using var document = await JsonDocument.ParseAsync(configStream, default, cancellationToken);
        return FromConfig(uri, digest, manifest, document.RootElement);
    }

    /// <summary>The image's ENTRYPOINT, CMD, ENV and WORKDIR from its config blob (<c>config</c> of the image spec).</summary>
    private static ResolvedImage FromConfig(ImageUri uri, string digest, OciManifest manifest, JsonElement root)
    {
        var config = root.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        return new ResolvedImage
        {
            Digest = digest,
            Registry = uri.Registry,
            Repository = uri.Repository,
            Layers = manifest.Layers,
            EntryPoint = Strings(config, "Entrypoint"),
            Command = Strings(config, "Cmd"),
            Environment = Strings(config, "Env") ?? [],
            WorkingDirectory = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("WorkingDir", out var w) && w.GetString() is { Length: > 0 } dir ? dir : null,
        };
    }

    private static List<string>? Strings(JsonElement config, string name)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            list.Add(item.GetString() ?? "");
        }

        return list;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Image {ImageUri} unpacked ({Bytes} bytes)")]
        public static partial void Unpacked(ILogger logger, string imageUri, long bytes);

        [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "Image root {CodeSha256} removed: no function uses it")]
        public static partial void Released(ILogger logger, string codeSha256);

        [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Image {ImageUri} could not be resolved: {Reason}")]
        public static partial void ResolveFailed(ILogger logger, string imageUri, string reason);

        [LoggerMessage(EventId = 1704, Level = LogLevel.Warning, Message = "Image {ImageUri} could not be pulled: {Reason}")]
        public static partial void ResolveRefused(ILogger logger, string imageUri, string reason);
    }
}
