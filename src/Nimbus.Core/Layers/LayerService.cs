// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Layers;

/// <summary>
/// The layers API's rules: publishing immutable, numbered versions of a zip, reading, listing and deleting them,
/// and their policies. Like <see cref="FunctionService"/> it does no I/O itself and commits before returning.
/// </summary>
public sealed partial class LayerService(ILayerStore layers, IFunctionStore functions, ICodeStore code, TimeProvider time)
{
    private const int PageSize = 50;

    public async Task<LayerVersion> PublishAsync(Scope scope, string layerName, LayerPublish request, CancellationToken cancellationToken)
    {
        var (owner, name) = LayerArns.ParseName(layerName, scope);
        LayerValidator.ValidatePublish(request);
        RequireOwn(scope, owner, "PublishLayerVersion", LayerArns.Layer(owner, name));
        var zip = RequireZip(request.Content!); // ValidatePublish refuses a request without Content.

        // Unpacked now, once per package, so a bad archive is refused here rather than at a function's cold start.
        var stored = await code.StoreZipAsync(zip, cancellationToken);
        try
        {
            await code.EnsureUnpackedAsync(stored.Sha256, cancellationToken);
        }
        catch (InvalidDataException)
        {
            await LayerCode.DeleteIfUnusedAsync(stored.Sha256, layers, functions, code, cancellationToken);
            throw LambdaErrors.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.");
        }

        return await layers.PublishLayerVersionAsync(
            new LayerVersion
            {
                Scope = owner,
                LayerName = name,
                Description = request.Description ?? "",
                CreatedDate = time.GetUtcNow(),
                CompatibleRuntimes = request.CompatibleRuntimes ?? [],
                CompatibleArchitectures = request.CompatibleArchitectures ?? [],
                LicenseInfo = request.LicenseInfo,
                CodeSha256 = stored.Sha256,
                CodeSize = stored.Size,
                UnzippedCodeSize = stored.UnzippedSize,
            },
            cancellationToken);
    }

    /// <summary>GetLayerVersion: the caller's own version, or another account's that its policy shares.</summary>
    public async Task<LayerVersion> GetAsync(Scope scope, string layerName, long version, CancellationToken cancellationToken)
    {
        var (owner, name) = LayerArns.ParseName(layerName, scope);
        return await GetReadableAsync(scope, owner, name, version, cancellationToken);
    }

    /// <summary>GetLayerVersionByArn.</summary>
    public async Task<LayerVersion> GetByArnAsync(Scope scope, string arn, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Length(arn, "arn", 1, 2048);
        var parsed = LayerArns.TryParseVersion(arn);
        if (parsed is null)
        {
            errors.Add(arn, "arn", $"Member must satisfy regular expression pattern: {Patterns.LayerVersionArnText}");
        }

        errors.ThrowIfAny();
        var (owner, name, version) = parsed!.Value;
        if (owner.Region != scope.Region)
        {
            throw LayerErrors.VersionNotFound();
        }

        return await GetReadableAsync(scope, owner, name, version, cancellationToken);
    }

    public async Task<LayerPage> ListLayersAsync(Scope scope, LayerFilter filter, string? marker, int? maxItems, CancellationToken cancellationToken)
    {
        LayerValidator.ValidateList(filter, maxItems);
        var limit = maxItems ?? PageSize;
        var after = string.IsNullOrEmpty(marker) ? null : DecodeMarker(marker);
        var page = await layers.ListLatestLayerVersionsAsync(scope, filter, after, limit + 1, cancellationToken);
        return page.Count > limit
            ? new LayerPage(page.Take(limit).ToList(), EncodeMarker(page[limit - 1].LayerName))
            : new LayerPage(page, null);
    }

    public async Task<LayerPage> ListVersionsAsync(Scope scope, string layerName, LayerFilter filter, string? marker, int? maxItems, CancellationToken cancellationToken)
    {
        var (owner, name) = LayerArns.ParseName(layerName, scope);
        LayerValidator.ValidateList(filter, maxItems);
        var limit = maxItems ?? PageSize;
        long? before = null;
        if (!string.IsNullOrEmpty(marker))
        {
            before = long.TryParse(DecodeMarker(marker), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw LambdaErrors.InvalidParameter($"Invalid marker: {marker}");
        }

        // Another account's versions are listed only where their policy shares them.
        var page = await layers.ListLayerVersionsAsync(owner, name, filter, before, limit + 1, cancellationToken);
        if (owner.Account != scope.Account)
        {
            page = page.Where(v => LayerPolicyDocument.Allows(v, scope.Account)).ToList();
        }

        return page.Count > limit
            ? new LayerPage(page.Take(limit).ToList(), EncodeMarker(page[limit - 1].Version.ToString(CultureInfo.InvariantCulture)))
            : new LayerPage(page, null);
    }

    /// <summary>
    /// DeleteLayerVersion: idempotent (204 for a version that is already gone). Functions that use the version keep
    /// it; its code goes once the last of them no longer does.
    /// </summary>
    public async Task DeleteAsync(Scope scope, string layerName, long version, CancellationToken cancellationToken)
    {
        var (owner, name) = LayerArns.ParseName(layerName, scope);
        RequireOwn(scope, owner, "DeleteLayerVersion", LayerArns.Version(owner, name, version));
        if (await layers.DeleteLayerVersionAsync(owner, name, version, cancellationToken))
        {
            await LayerCode.ReleaseDeletedAsync(layers, functions, code, cancellationToken);
        }
    }

    private async Task<LayerVersion> GetReadableAsync(Scope scope, Scope owner, string name, long version, CancellationToken cancellationToken)
    {
        var found = await layers.GetLayerVersionAsync(owner, name, version, cancellationToken);
        if (owner.Account != scope.Account && (found is null || !LayerPolicyDocument.Allows(found, scope.Account)))
        {
            // Whether another account's version exists is not disclosed to one it is not shared with.
            throw LayerErrors.AccessDenied(scope.Account, LayerArns.Version(owner, name, version));
        }

        return found ?? throw LayerErrors.VersionNotFound();
    }

    private static void RequireOwn(Scope scope, Scope owner, string action, string resource)
    {
        if (owner.Account != scope.Account)
        {
            throw LayerErrors.WriteDenied(scope.Account, action, resource);
        }
    }

    private static ReadOnlyMemory<byte> RequireZip(CodeUpload content)
    {
        if (content.S3Bucket is not null || content.S3Key is not null)
        {
            throw LambdaErrors.InvalidParameter(
                "Layer content from S3 (S3Bucket, S3Key) is not supported by this Nimbus server yet. Send the .zip file archive inline in ZipFile.");
        }

        if (content.ZipFile is not { } zip)
        {
            throw LambdaErrors.InvalidParameter("Please provide a source for layer content.");
        }

        if (zip.Length > LambdaQuotas.MaxZippedCode)
        {
            throw LambdaErrors.ZippedTooLarge(LambdaQuotas.MaxZippedCode);
        }

        return zip;
    }

    private static string EncodeMarker(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static string DecodeMarker(string marker)
    {
        var bytes = new byte[marker.Length];
        if (!Convert.TryFromBase64String(marker, bytes, out var written))
        {
            throw LambdaErrors.InvalidParameter($"Invalid marker: {marker}");
        }

        return Encoding.UTF8.GetString(bytes, 0, written);
    }
}
