// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Functions;

public sealed partial class FunctionService
{
    /// <summary>UpdateFunctionCode; with <paramref name="publish"/> it also publishes the result and returns that version.</summary>
    public async Task<FunctionVersion> UpdateCodeAsync(Scope scope, string functionName, CodeUpload code, IReadOnlyList<string>? architectures, string? revisionId, bool dryRun, bool publish, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: true);
        if (architectures is not null)
        {
            FunctionValidator.Validate(new FunctionChange { Architectures = architectures }, isCreate: false, _runtimes);
        }

        if (code?.ImageUri is not null || (code?.ZipFile is null && code?.S3Bucket is null))
        {
            var imageRecord = await LoadForUpdateAsync(reference, revisionId, cancellationToken);
            if (imageRecord.Latest.PackageType == "Image")
            {
                return await UpdateImageAsync(imageRecord, code!, architectures, dryRun, publish, cancellationToken); // UpdateFunctionCode always has a body.
            }
        }

        var zip = RequireZip(code);
        var record = await LoadForUpdateAsync(reference, revisionId, cancellationToken);
        if (record.Latest.PackageType == "Image")
        {
            throw LambdaErrors.InvalidParameter(ImageUriMissingOnUpdate);
        }
        if (record.Latest.Layers.Count > 0)
        {
            CheckCombinedSize(record.Latest.Layers, _code.Inspect(zip).UnzippedSize);
        }

        var stored = dryRun ? _code.Inspect(zip) : await _code.StoreZipAsync(zip, cancellationToken);
        var latest = record.Latest with
        {
            CodeSha256 = stored.Sha256,
            CodeSize = stored.Size,
            UnzippedCodeSize = stored.UnzippedSize,
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

    public async Task<FunctionVersion> UpdateConfigurationAsync(Scope scope, string functionName, FunctionChange change, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: true);
        if (change.Runtime is { } runtime)
        {
            await _runtimes.AcquireAsync(runtime, cancellationToken);
        }

        FunctionValidator.Validate(change, isCreate: false, _runtimes);
        var record = await LoadForUpdateAsync(reference, change.RevisionId, cancellationToken);
        CheckImageConfiguration(record.Latest, change);
        if (change.Role is { } role)
        {
            await RequireAssumableAsync(role, cancellationToken);
        }

        var latest = Apply(record.Latest, change);
        SnapStart.Check(latest);
        latest = await WithLayersAsync(reference.Scope, latest, change.Layers, () => record.Latest.UnzippedCodeSize, cancellationToken);

        var committed = await CommitUpdateAsync(record, latest, cancellationToken);
        await ReleaseLayersAsync(record.Latest.Layers, cancellationToken);
        return committed;
    }

    internal async Task<FunctionRecord> LoadForUpdateAsync(FunctionReference reference, string? revisionId, CancellationToken cancellationToken)
    {
        if (reference.Qualifier is not null && reference.Qualifier != FunctionVersion.Latest)
        {
            throw LambdaErrors.InvalidParameter(
                "Current operation does not support versions other than $LATEST. Please set the version to $LATEST or do not set a version in your request.");
        }

        var record = await _store.GetFunctionAsync(reference.Scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        if (record.Latest.State == FunctionStates.Pending)
        {
            throw LambdaErrors.Conflict(
                $"The operation cannot be performed at this time. The function is currently in the following state: {FunctionStates.Pending}");
        }

        if (record.Latest.LastUpdateStatus == FunctionStates.InProgress)
        {
            throw LambdaErrors.UpdateInProgress(record.Arn);
        }

        if (revisionId is not null && revisionId != record.Latest.RevisionId)
        {
            throw LambdaErrors.RevisionMismatch();
        }

        return record;
    }

    private async Task<FunctionVersion> CommitUpdateAsync(FunctionRecord record, FunctionVersion latest, CancellationToken cancellationToken)
    {
        latest = WithRuntimeVersion(record.Scope, latest) with
        {
            LastModified = _time.GetUtcNow(),
            RevisionId = NewRevisionId(),
            LastUpdateStatus = FunctionStates.InProgress,
            LastUpdateStatusReason = FunctionStates.UpdatingReason,
            LastUpdateStatusReasonCode = FunctionStates.Creating,
        };
        var updated = await _store.TryUpdateFunctionAsync(record with { Latest = latest }, record.Latest.RevisionId, cancellationToken);
        _cache.Invalidate(new FunctionKey(record.Scope, record.Name));
        if (!updated)
        {
            // Another request changed the function between our read and our write.
            throw LambdaErrors.UpdateInProgress(record.Arn);
        }

        _settling.Writer.TryWrite(new FunctionKey(record.Scope, record.Name));
        _retirement?.Retire(record.Scope, record.Name, allVersions: false);
        return latest;
    }

    /// <summary>Applies the given parts of a change to a version; the rest stays as it was.</summary>
    private static FunctionVersion Apply(FunctionVersion version, FunctionChange change)
    {
        var logging = version.Logging with
        {
            LogFormat = change.LogFormat ?? version.Logging.LogFormat,
            ApplicationLogLevel = change.ApplicationLogLevel ?? version.Logging.ApplicationLogLevel,
            SystemLogLevel = change.SystemLogLevel ?? version.Logging.SystemLogLevel,
            LogGroup = change.LogGroup ?? version.Logging.LogGroup,
        };
        FunctionValidator.CheckLogLevels(logging, change);
        logging = logging.LogFormat == "JSON"
            // AWS fills in the default levels when JSON logs are switched on, and drops them when switched off.
            ? logging with { ApplicationLogLevel = logging.ApplicationLogLevel ?? "INFO", SystemLogLevel = logging.SystemLogLevel ?? "INFO" }
            : logging with { ApplicationLogLevel = null, SystemLogLevel = null };

        return version with
        {
            Runtime = change.Runtime ?? version.Runtime,
            Role = change.Role ?? version.Role,
            Handler = change.Handler ?? version.Handler,
            Description = change.Description ?? version.Description,
            Timeout = change.Timeout ?? version.Timeout,
            MemorySize = change.MemorySize ?? version.MemorySize,
            EphemeralStorageSize = change.EphemeralStorageSize ?? version.EphemeralStorageSize,
            Environment = change.Environment ?? version.Environment,
            TracingMode = change.TracingMode ?? version.TracingMode,
            DeadLetterTargetArn = change.DeadLetterTargetArn is { } dlq ? (dlq.Length == 0 ? null : dlq) : version.DeadLetterTargetArn,
            KmsKeyArn = change.KmsKeyArn is { } kms ? (kms.Length == 0 ? null : kms) : version.KmsKeyArn,
            Architectures = change.Architectures ?? version.Architectures,
            PackageType = change.PackageType ?? version.PackageType,
            ImageConfig = change.ImageConfig is { } image ? (image.IsEmpty ? null : image) : version.ImageConfig,
            SnapStartApplyOn = change.SnapStartApplyOn ?? version.SnapStartApplyOn,
            Logging = logging,
        };
    }
}
