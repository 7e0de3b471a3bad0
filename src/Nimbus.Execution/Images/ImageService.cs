// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Images;

namespace Nimbus.Execution.Images;

/// <summary>
/// <see cref="IImageService"/>: resolves ImageUris against Nimbus's own registry (host names
/// <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.localhost[:port]</c>, read in process) or another registry
/// (<see cref="RemoteRegistry"/>), and unpacks each digest once into <c>&lt;dataDir&gt;/images/&lt;hex&gt;</c>, made
/// visible by a rename when complete, so a half-unpacked root is never used.
/// </summary>
internal sealed partial class ImageService : IImageService
{
    private const string TempPrefix = ".tmp-";
    private const string ProcessSandboxName = "process";

    private readonly ImageRegistry _registry;
    private readonly RemoteRegistry _remote;
    private readonly string _directory;
    private readonly ILogger<ImageService> _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly string _sandbox;

    public ImageService(ImageRegistry registry, RemoteRegistry remote, string directory, string sandbox, ILogger<ImageService> logger)
    {
        _sandbox = sandbox;
        _registry = registry;
        _remote = remote;
        _directory = directory;
        _logger = logger;
        Directory.CreateDirectory(directory);
        foreach (var leftover in Directory.EnumerateDirectories(directory, TempPrefix + "*"))
        {
            Directory.Delete(leftover, recursive: true);
        }
    }

    public async Task<ResolvedImage> ResolveAsync(Scope scope, string imageUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (_sandbox == ProcessSandboxName)
        {
            // Refused when the function is created or its code updated, not at its first invoke. AWS has no such case;
            // the error type is Lambda's for a value this server cannot take.
            throw LambdaErrors.InvalidParameter(
                $"Container images (PackageType Image) need the runc or bwrap sandbox; this server runs functions in the {_sandbox} sandbox (setting Sandbox, NIMBUS_SANDBOX=runc or bwrap).");
        }

        var uri = ImageUri.TryParse(imageUri) ?? throw NotValid(imageUri);
        var (account, region) = OwnRegistry(uri.Registry);
        try
        {
            return account is not null
                ? await ResolveLocalAsync(uri, imageUri, new Scope(account, region ?? scope.Region), cancellationToken)
                : await ResolveRemoteAsync(uri, imageUri, cancellationToken);
        }
        catch (RegistryAccessException ex)
        {
            Log.ResolveRefused(_logger, imageUri, ex.Message);
            throw LambdaErrors.ImageAccessDenied();
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.ResolveFailed(_logger, imageUri, ex.Message);
            throw NotValid(imageUri);
        }
    }

    public async Task<string> EnsureRootAsync(ResolvedImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var root = Path.Combine(_directory, image.CodeSha256);
        if (Directory.Exists(root))
        {
            return root;
        }

        var gate = _gates.GetOrAdd(image.CodeSha256, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Directory.Exists(root))
            {
                return root;
            }

            var temporary = Path.Combine(_directory, TempPrefix + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temporary);
            try
            {
                long written = 0;
                foreach (var layer in image.Layers)
                {
                    await using var content = await OpenLayerAsync(image, layer, cancellationToken);
                    written += await LayerExtractor.ApplyAsync(content, layer.MediaType, temporary, ImageRules.MaxUncompressedImageBytes - written, cancellationToken);
                }

                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                Directory.Move(temporary, root);
                Log.Unpacked(_logger, image.Uri, written);
                return root;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or UnauthorizedAccessException)
            {
                Directory.Delete(temporary, recursive: true);
                throw new InvalidDataException($"The image {image.Uri} could not be unpacked: {ex.Message}", ex);
            }
            catch
            {
                Directory.Delete(temporary, recursive: true);
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public void Release(string codeSha256)
    {
        if (codeSha256.Length == 64 && Directory.Exists(Path.Combine(_directory, codeSha256)))
        {
            // Renamed away first, so an environment starting now finds no half-deleted root.
            var doomed = Path.Combine(_directory, TempPrefix + Guid.NewGuid().ToString("N"));
            Directory.Move(Path.Combine(_directory, codeSha256), doomed);
            Directory.Delete(doomed, recursive: true);
            Log.Released(_logger, codeSha256);
        }
    }

    /// <summary>The account and region of a host name of Nimbus's own registry, or nulls for any other registry.</summary>
    private static (string? Account, string? Region) OwnRegistry(string registry)
    {
        var host = registry.Split(':')[0];
        const string Marker = ".dkr.ecr.";
        var marker = host.IndexOf(Marker, StringComparison.Ordinal);
        if (marker <= 0 || !host.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return (null, null);
        }

        var region = host[(marker + Marker.Length)..^".localhost".Length];
        return (host[..marker], region.Length > 0 ? region : null);
    }

    private Task<Stream> OpenLayerAsync(ResolvedImage image, OciDescriptor layer, CancellationToken cancellationToken) =>
        image.IsLocal
            ? Task.FromResult(_registry.Blobs.OpenRead(layer.Digest) ?? throw new InvalidDataException($"The layer {layer.Digest} of {image.Uri} is not in the registry any more."))
            : _remote.OpenBlobAsync(image.Registry, image.Repository, layer.Digest, cancellationToken);

    /// <summary>AWS's answer for an image Lambda cannot use.</summary>
    private static LambdaException NotValid(string imageUri) =>
        LambdaErrors.InvalidParameter($"Source image {imageUri} is not valid. Provide a valid source image.");

    /// <summary>AWS's answer for an image whose repository or tag does not exist.</summary>
    private static LambdaException NotFound(string imageUri) =>
        LambdaErrors.InvalidParameter($"Source image {imageUri} does not exist. Provide a valid source image.");
}
