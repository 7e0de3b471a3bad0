// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Functions;

/// <summary>Get/PutRuntimeManagementConfig: the update mode and pinned runtime version of $LATEST or a published version.</summary>
public sealed partial class FunctionService
{
    public async Task<RuntimeManagementConfig> GetRuntimeManagementConfigAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        var (_, version) = await LoadRuntimeManagedAsync(reference, cancellationToken);
        return View(reference, version);
    }

    public async Task<RuntimeManagementConfig> PutRuntimeManagementConfigAsync(
        Scope scope, string functionName, string? qualifier, string? updateRuntimeOn, string? runtimeVersionArn, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (updateRuntimeOn is null)
        {
            errors.Add(null, "updateRuntimeOn", "Member must not be null");
        }

        errors.Enum(updateRuntimeOn, "updateRuntimeOn", RuntimeVersions.UpdateModes);
        errors.Length(runtimeVersionArn, "runtimeVersionArn", 26, 2048);
        errors.Pattern(runtimeVersionArn, "runtimeVersionArn", RuntimeVersions.ArnPattern(), RuntimeVersions.ArnPatternText);
        errors.ThrowIfAny();

        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: true);
        var (record, version) = await LoadRuntimeManagedAsync(reference, cancellationToken);

        // AWS's exact wording for these two is not in the model or the docs at hand; the rule is the model's ("only
        // required if you're using the Manual runtime update mode") and the console's.
        if (updateRuntimeOn == RuntimeVersions.Manual && runtimeVersionArn is null)
        {
            throw LambdaErrors.InvalidParameter("RuntimeVersionArn must be provided when UpdateRuntimeOn is Manual.");
        }

        if (updateRuntimeOn != RuntimeVersions.Manual && runtimeVersionArn is not null)
        {
            throw LambdaErrors.InvalidParameter($"RuntimeVersionArn can be provided only when UpdateRuntimeOn is Manual, not {updateRuntimeOn}.");
        }

        var current = version.Runtime is { } runtime && _runtimes.Find(runtime) is { } host ? RuntimeVersions.Arn(reference.Scope.Region, host) : null;
        if (runtimeVersionArn is not null && runtimeVersionArn != current)
        {
            // Nimbus runs each runtime in the one version this host has: a version it does not have cannot be pinned,
            // or the function would run on another one than it asked for.
            throw LambdaErrors.InvalidParameter(
                $"The runtime version {runtimeVersionArn} is not available for {version.Runtime}. This server runs {version.Runtime} as {current ?? "nothing"}.");
        }

        var changed = version with
        {
            UpdateRuntimeOn = updateRuntimeOn!, // Checked above.
            RuntimeVersionArn = current,
            RevisionId = NewRevisionId(),
        };
        if (record is not null)
        {
            if (!await _store.TryUpdateFunctionAsync(record with { Latest = changed }, version.RevisionId, cancellationToken))
            {
                throw LambdaErrors.UpdateInProgress(record.Arn);
            }
        }
        else
        {
            await _store.UpdateVersionAsync(reference.Scope, changed, cancellationToken);
        }

        _cache.Invalidate(new FunctionKey(reference.Scope, reference.Name));
        return View(reference, changed);
    }

    /// <summary>$LATEST (with its record, to update it) or a published version (record null).</summary>
    private async Task<(FunctionRecord? Record, FunctionVersion Version)> LoadRuntimeManagedAsync(FunctionReference reference, CancellationToken cancellationToken)
    {
        var record = await _store.GetFunctionAsync(reference.Scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        if (reference.Qualifier is null or FunctionVersion.Latest)
        {
            return (record, record.Latest);
        }

        if (int.TryParse(reference.Qualifier, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && await _store.GetVersionAsync(reference.Scope, reference.Name, number, cancellationToken) is { } version)
        {
            return (null, version);
        }

        throw LambdaErrors.FunctionNotFound(reference.Arn);
    }

    private static RuntimeManagementConfig View(FunctionReference reference, FunctionVersion version) =>
        new(reference.Arn, version.UpdateRuntimeOn, version.UpdateRuntimeOn == RuntimeVersions.Manual ? version.RuntimeVersionArn : null);

    /// <summary>Outside Manual mode a create or update moves the version to the host's runtime version of now.</summary>
    private FunctionVersion WithRuntimeVersion(Scope scope, FunctionVersion version) =>
        version.UpdateRuntimeOn == RuntimeVersions.Manual || version.Runtime is null || _runtimes.Find(version.Runtime) is not { } host
            ? version
            : version with { RuntimeVersionArn = RuntimeVersions.Arn(scope.Region, host) };
}
