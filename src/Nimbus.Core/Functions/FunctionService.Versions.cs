// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using static Nimbus.Core.Functions.Paging;
using static Nimbus.Core.Functions.QualifierResolver;

namespace Nimbus.Core.Functions;

public sealed partial class FunctionService
{
    internal async Task<FunctionVersion> PublishUnlessUnchangedAsync(FunctionRecord record, string? description, CancellationToken cancellationToken)
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
        // Create and UpdateFunctionCode with Publish=true commit $LATEST, queue its settle step and then publish. The
        // settle step moves $LATEST's RevisionId on when it finishes (Pending → Active, InProgress → Successful), so it
        // may win the compare-and-swap below without changing anything worth refusing the publish for. A settled
        // $LATEST with the same content is published instead; any other change is a real conflict. Settling moves the
        // revision once per change, so a handful of attempts always suffices.
        for (var attempt = 0; ; attempt++)
        {
            var version = NextVersion(record, description);

            // Publishing moves $LATEST's RevisionId on, as on AWS.
            var latest = record.Latest;
            var published = await _store.TryPublishVersionAsync(record.Scope, latest with { RevisionId = NewRevisionId() }, version, record.LastPublishedVersion, latest.RevisionId, cancellationToken);
            _cache.Invalidate(new FunctionKey(record.Scope, record.Name));
            if (published)
            {
                if (version.IsSettling)
                {
                    _settling.Writer.TryWrite(new FunctionKey(record.Scope, record.Name));
                }

                return version;
            }

            // $LATEST changed, or another publish took the number, between our read and our write.
            var current = await _store.GetFunctionAsync(record.Scope, record.Name, cancellationToken);
            if (attempt >= 3 || current is null || !OnlySettledSince(record, current))
            {
                throw LambdaErrors.UpdateInProgress(record.Arn);
            }

            record = current;
        }
    }

    /// <summary>The next version of <paramref name="record"/>: a copy of $LATEST, Pending while $LATEST settles.</summary>
    private static FunctionVersion NextVersion(FunctionRecord record, string? description)
    {
        var latest = record.Latest;
        var version = latest with
        {
            Version = (record.LastPublishedVersion + 1).ToString(CultureInfo.InvariantCulture),
            Description = description ?? latest.Description,
            RevisionId = NewRevisionId(),
        };
        // A SnapStart version stays Pending until its snapshot is ready (the settle step makes it).
        return !latest.IsSettling && !SnapStart.Applies(version)
            ? version
            : version with
            {
                State = FunctionStates.Pending,
                StateReason = FunctionStates.CreatingReason,
                StateReasonCode = FunctionStates.Creating,
                LastUpdateStatus = null,
                LastUpdateStatusReason = null,
                LastUpdateStatusReasonCode = null,
            };
    }

    /// <summary>
    /// True when the only change from <paramref name="before"/> to <paramref name="now"/> is the settle step's: no
    /// version was published meanwhile, $LATEST holds the same code, configuration and description, and it is no
    /// longer settling.
    /// </summary>
    private static bool OnlySettledSince(FunctionRecord before, FunctionRecord now) =>
        now.LastPublishedVersion == before.LastPublishedVersion
        && before.Latest.IsSettling
        && !now.Latest.IsSettling
        && now.Latest.Description == before.Latest.Description
        && SameContent(before.Latest, now.Latest);

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
    internal async Task<List<FunctionVersion>> ListAllVersionsAsync(FunctionRecord record, CancellationToken cancellationToken)
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

        // At once, before the next write (which may wait or fail): the version is gone now.
        _cache.Invalidate(new FunctionKey(record.Scope, record.Name));
        await _concurrencyService.DeleteForQualifierAsync(record.Scope, record.Name, qualifier, cancellationToken);
        _snapshots?.Delete(record.Scope, record.Name, qualifier);
        await DeleteCodeIfUnusedAsync(version.CodeSha256, cancellationToken);
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
        && published.SnapStartApplyOn == latest.SnapStartApplyOn
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
