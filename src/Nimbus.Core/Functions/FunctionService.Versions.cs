// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Functions;

public sealed partial class FunctionService
{
    private const int MaxVersionsPage = 50;

    /// <summary>
    /// PublishVersion: an immutable copy of <c>$LATEST</c>'s code and configuration under the next number. As on
    /// AWS, when neither changed since the last published version, that version is returned instead of a new one.
    /// </summary>
    public async Task<FunctionVersion> PublishVersionAsync(Scope scope, string functionName, string? codeSha256, string? description, string? revisionId, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: true);
        if (description is not null)
        {
            var errors = new ValidationErrors();
            errors.Length(description, "description", 0, LambdaQuotas.MaxDescriptionLength);
            errors.ThrowIfAny();
        }

        var record = await LoadForUpdateAsync(reference, revisionId, cancellationToken);
        var latest = record.Latest;
        if (codeSha256 is not null && codeSha256 != latest.CodeSha256)
        {
            throw LambdaErrors.InvalidParameter(
                $"CodeSHA256 ({codeSha256}) is different from current CodeSHA256 in $LATEST ({latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.");
        }

        return await PublishUnlessUnchangedAsync(record, description, cancellationToken);
    }

    private async Task<FunctionVersion> PublishUnlessUnchangedAsync(FunctionRecord record, string? description, CancellationToken cancellationToken)
    {
        if (record.LastPublishedVersion > 0
            && await _store.GetVersionAsync(record.Scope, record.Name, record.LastPublishedVersion, cancellationToken) is { } last
            && SameContent(last, record.Latest))
        {
            return last;
        }

        return await PublishAsync(record, description, cancellationToken);
    }

    /// <summary>
    /// Publishes <c>$LATEST</c> as it is stored in <paramref name="record"/> (also for Publish=true). A version
    /// published before $LATEST settled starts Pending, as on AWS, and settles with it.
    /// </summary>
    private async Task<FunctionVersion> PublishAsync(FunctionRecord record, string? description, CancellationToken cancellationToken)
    {
        var number = record.LastPublishedVersion + 1;
        var latest = record.Latest;
        var version = latest with
        {
            Version = number.ToString(CultureInfo.InvariantCulture),
            Description = description ?? latest.Description,
            RevisionId = NewRevisionId(),
        };
        if (latest.IsSettling)
        {
            version = version with
            {
                State = FunctionStates.Pending,
                StateReason = FunctionStates.CreatingReason,
                StateReasonCode = FunctionStates.Creating,
                LastUpdateStatus = null,
                LastUpdateStatusReason = null,
                LastUpdateStatusReasonCode = null,
            };
        }

        // Publishing moves $LATEST's RevisionId on, as on AWS.
        var published = await _store.TryPublishVersionAsync(record.Scope, latest with { RevisionId = NewRevisionId() }, version, record.LastPublishedVersion, latest.RevisionId, cancellationToken);
        _cache.Invalidate(new FunctionKey(record.Scope, record.Name));
        if (!published)
        {
            // $LATEST changed, or another publish took the number, between our read and our write.
            throw LambdaErrors.UpdateInProgress(record.Arn);
        }

        if (version.IsSettling)
        {
            _settling.Writer.TryWrite(new FunctionKey(record.Scope, record.Name));
        }

        return version;
    }

    /// <summary>ListVersionsByFunction: <c>$LATEST</c> first, then the published versions in ascending order.</summary>
    public async Task<FunctionPage> ListVersionsAsync(Scope scope, string functionName, string? marker, int? maxItems, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: false);
        CheckMaxItems(maxItems);
        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);

        // The marker is the last version number a page ended with; $LATEST counts as 0.
        var after = -1;
        if (DecodeMarker(marker) is { } decoded && !int.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw LambdaErrors.InvalidParameter($"Invalid marker: {marker}");
        }

        var limit = Math.Min(maxItems ?? MaxVersionsPage, MaxVersionsPage);
        var items = new List<FunctionVersion>(limit + 1);
        if (after < 0)
        {
            items.Add(record.Latest);
        }

        items.AddRange(await _store.ListVersionsAsync(scope, record.Name, Math.Max(after, 0), limit + 1 - items.Count, cancellationToken));
        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(items.Count - 1);
            next = EncodeMarker(items[^1].Version == FunctionVersion.Latest ? "0" : items[^1].Version);
        }

        return new FunctionPage(items, next);
    }

    /// <summary>
    /// ListFunctions with FunctionVersion=ALL: each function's $LATEST and published versions, functions in name
    /// order. The marker is "name\nN", the last version a page showed ($LATEST as 0), so a page may end mid-function.
    /// </summary>
    private async Task<FunctionPage> ListWithVersionsAsync(Scope scope, string? marker, int limit, CancellationToken cancellationToken)
    {
        string? afterName = marker;
        var afterVersion = -1;
        if (marker?.Split('\n') is [var name, var number])
        {
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out afterVersion))
            {
                throw LambdaErrors.InvalidParameter($"Invalid marker: {EncodeMarker(marker)}");
            }

            afterName = name;
        }

        // One item more than the page holds tells whether there is a next page.
        var items = new List<FunctionVersion>(limit + 1);
        if (afterName is not null && afterVersion >= 0 && await _store.GetFunctionAsync(scope, afterName, cancellationToken) is { } current)
        {
            items.AddRange(await _store.ListVersionsAsync(scope, current.Name, afterVersion, limit + 1, cancellationToken));
        }

        while (items.Count <= limit)
        {
            var records = await _store.ListFunctionsAsync(scope, afterName, limit + 1, cancellationToken);
            foreach (var record in records)
            {
                items.Add(record.Latest);
                if (items.Count > limit)
                {
                    break;
                }

                items.AddRange(await _store.ListVersionsAsync(scope, record.Name, 0, limit + 1 - items.Count, cancellationToken));
                if (items.Count > limit)
                {
                    break;
                }
            }

            if (records.Count <= limit)
            {
                break;
            }

            afterName = records[^1].Name;
        }

        if (items.Count <= limit)
        {
            return new FunctionPage(items, null);
        }

        items.RemoveRange(limit, items.Count - limit);
        var last = items[^1];
        return new FunctionPage(items, EncodeMarker($"{last.Name}\n{(last.Version == FunctionVersion.Latest ? "0" : last.Version)}"));
    }

    /// <summary>Every published version of a function, in ascending order.</summary>
    private async Task<List<FunctionVersion>> ListAllVersionsAsync(FunctionRecord record, CancellationToken cancellationToken)
    {
        var all = new List<FunctionVersion>();
        var after = 0;
        while (true)
        {
            var page = await _store.ListVersionsAsync(record.Scope, record.Name, after, 1000, cancellationToken);
            all.AddRange(page);
            if (page.Count < 1000)
            {
                return all;
            }

            after = int.Parse(page[^1].Version, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>DeleteFunction with a Qualifier: one published version, unless an alias routes to it.</summary>
    private async Task DeleteVersionAsync(FunctionRecord record, string qualifier, CancellationToken cancellationToken)
    {
        if (!TryParseVersion(qualifier, out var number))
        {
            throw LambdaErrors.InvalidParameter("Deletion of aliases is not currently supported.");
        }

        var version = await _store.GetVersionAsync(record.Scope, record.Name, number, cancellationToken);
        if (version is null)
        {
            // AWS answers success for a version that does not exist.
            return;
        }

        if (!await _store.DeleteVersionAsync(record.Scope, record.Name, number, cancellationToken))
        {
            var referencing = new List<string>();
            foreach (var alias in await _store.ListAliasesAsync(record.Scope, record.Name, cancellationToken))
            {
                if (alias.FunctionVersion == qualifier || (alias.AdditionalVersionWeights?.ContainsKey(qualifier) ?? false))
                {
                    referencing.Add(record.Scope.FunctionArn(record.Name, alias.Name));
                }
            }

            if (referencing.Count > 0)
            {
                throw LambdaErrors.Conflict($"Unable to delete version because the following aliases reference it: [{string.Join(", ", referencing)}]");
            }
        }

        if (await _provisioned.DeleteProvisionedConcurrencyAsync(record.Scope, record.Name, qualifier, cancellationToken))
        {
            Interlocked.Increment(ref _provisionedGeneration);
        }

        _cache.Invalidate(new FunctionKey(record.Scope, record.Name));
        await DeleteCodeIfUnusedAsync(version.CodeSha256, cancellationToken);
    }

    /// <summary>Resolves a reference's qualifier to the version(s) it names; AWS's not-found error when none.</summary>
    private async Task<InvokeTarget> ResolveTargetAsync(FunctionReference reference, FunctionRecord record, CancellationToken cancellationToken)
    {
        var qualifier = reference.Qualifier;
        if (qualifier is null || qualifier == FunctionVersion.Latest)
        {
            return new InvokeTarget(record, reference, record.Latest, null, 0);
        }

        if (TryParseVersion(qualifier, out var number))
        {
            var version = await _store.GetVersionAsync(reference.Scope, record.Name, number, cancellationToken)
                ?? throw LambdaErrors.FunctionNotFound(reference.Arn);
            return new InvokeTarget(record, reference, version, null, 0);
        }

        var alias = await _store.GetAliasAsync(reference.Scope, record.Name, qualifier, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.Arn);
        var primary = await VersionOfAliasAsync(record, alias.FunctionVersion, reference, cancellationToken);
        FunctionVersion? additional = null;
        var weight = 0.0;
        if (alias.AdditionalVersionWeights is { } weights)
        {
            foreach (var (other, share) in weights)
            {
                additional = await VersionOfAliasAsync(record, other, reference, cancellationToken);
                weight = share;
            }
        }

        return new InvokeTarget(record, reference, primary, additional, weight);
    }

    private async Task<FunctionVersion> VersionOfAliasAsync(FunctionRecord record, string version, FunctionReference reference, CancellationToken cancellationToken)
    {
        if (version == FunctionVersion.Latest)
        {
            return record.Latest;
        }

        // A version an alias routes to cannot be deleted, so this is found unless the store was changed by hand.
        return await _store.GetVersionAsync(reference.Scope, record.Name, int.Parse(version, CultureInfo.InvariantCulture), cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.Scope.FunctionArn(record.Name, version));
    }

    private static bool TryParseVersion(string qualifier, out int number) =>
        int.TryParse(qualifier, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;

    private static void CheckMaxItems(int? maxItems)
    {
        if (maxItems is { } max && max is < 1 or > 10_000)
        {
            var errors = new ValidationErrors();
            errors.Range(max, "maxItems", 1, 10_000);
            errors.ThrowIfAny();
        }
    }

    /// <summary>True when two versions run the same code with the same configuration (AWS's "nothing changed").</summary>
    private static bool SameContent(FunctionVersion published, FunctionVersion latest) =>
        published.CodeSha256 == latest.CodeSha256
        && published.Runtime == latest.Runtime
        && published.Handler == latest.Handler
        && published.Role == latest.Role
        && published.Timeout == latest.Timeout
        && published.MemorySize == latest.MemorySize
        && published.EphemeralStorageSize == latest.EphemeralStorageSize
        && published.PackageType == latest.PackageType
        && published.TracingMode == latest.TracingMode
        && published.DeadLetterTargetArn == latest.DeadLetterTargetArn
        && published.KmsKeyArn == latest.KmsKeyArn
        && published.Logging == latest.Logging
        && published.Architectures.SequenceEqual(latest.Architectures)
        && published.Layers.SequenceEqual(latest.Layers)
        && SameVariables(published.Environment, latest.Environment);

    private static bool SameVariables(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        if (a is null || b is null)
        {
            return true;
        }

        foreach (var (name, value) in a)
        {
            if (!b.TryGetValue(name, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }
}
