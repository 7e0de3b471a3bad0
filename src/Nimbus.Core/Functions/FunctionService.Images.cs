// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Images;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Functions;

/// <summary>PackageType Image: the ImageUri resolved to a digest at create and update, as AWS does.</summary>
public sealed partial class FunctionService
{
    // AWS's texts where known; the create-time text for a missing ImageUri is not documented (UpdateFunctionCode's is).
    private const string ImageUriMissingOnCreate = "Please provide ImageUri when the intended function PackageType is Image.";
    private const string ImageUriMissingOnUpdate = "Please provide ImageUri when updating a function with packageType Image.";

    private static string RequireImageUri(CodeUpload? code, string missing)
    {
        if (code is null)
        {
            var errors = new ValidationErrors();
            errors.Add(null, "code", "Member must not be null");
            errors.ThrowIfAny();
        }

        return code!.ImageUri is { Length: > 0 } uri ? uri : throw LambdaErrors.InvalidParameter(missing);
    }

    private Task<ResolvedImage> ResolveImageAsync(Scope scope, string imageUri, CancellationToken cancellationToken) =>
        _images is null
            ? throw LambdaErrors.InvalidParameter("Container images are not available on this Nimbus server.")
            : _images.ResolveAsync(scope, imageUri, cancellationToken);

    /// <summary>UpdateFunctionCode of an image function: the new ImageUri resolved (a new tag, or the same tag moved).</summary>
    private async Task<FunctionVersion> UpdateImageAsync(FunctionRecord record, CodeUpload code, IReadOnlyList<string>? architectures, bool dryRun, bool publish, CancellationToken cancellationToken)
    {
        if (code.ZipFile is not null || code.S3Bucket is not null)
        {
            throw LambdaErrors.InvalidParameter(ImageUriMissingOnUpdate);
        }

        var imageUri = RequireImageUri(code, ImageUriMissingOnUpdate);
        var image = await ResolveImageAsync(record.Scope, imageUri, cancellationToken);
        var latest = record.Latest with
        {
            ImageUri = imageUri,
            Image = image,
            CodeSha256 = image.CodeSha256,
            CodeSize = 0,
            UnzippedCodeSize = 0,
            Architectures = architectures ?? record.Latest.Architectures,
        };
        if (dryRun)
        {
            return latest;
        }

        var committed = await CommitUpdateAsync(record, latest, cancellationToken);
        await DeleteCodeIfUnusedAsync(record.Latest.CodeSha256, cancellationToken);
        return publish ? await PublishUnlessUnchangedAsync(record with { Latest = committed }, null, cancellationToken) : committed;
    }

    /// <summary>The settle step of an image function: its root pulled and unpacked once per digest.</summary>
    private async Task<(string? Code, string? Reason)> SettleImageAsync(ResolvedImage image, CancellationToken cancellationToken)
    {
        try
        {
            await _images!.EnsureRootAsync(image, cancellationToken); // Image versions exist only with an image service.
            return (null, null);
        }
        catch (InvalidDataException ex)
        {
            return ("InvalidImage", ex.Message);
        }
    }

    /// <summary>Handler, Runtime and Layers have no meaning for an image function; AWS refuses them on update too.</summary>
    private static void CheckImageConfiguration(FunctionVersion latest, FunctionChange change)
    {
        if (latest.PackageType == "Image" && (change.Handler is not null || change.Runtime is not null || change.Layers is not null))
        {
            throw LambdaErrors.InvalidParameter(FunctionValidator.ImageExcludes);
        }
    }

}
