// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;

namespace Nimbus.Core.FunctionUrls;

/// <summary>
/// Function URL configs (CreateFunctionUrlConfig and its siblings, 2021-10-31): AWS's validation and messages, one
/// URL per qualifier ($LATEST or an alias), committed before returning. The configs requests to a URL find by its id are
/// kept in memory until the next change to any function or URL (<see cref="FunctionCache.Changes"/>): a config changed,
/// deleted, or deleted with its function or alias is never served from memory after its change returned.
/// </summary>
public sealed class FunctionUrlService(IFunctionStore functions, IFunctionUrlStore urls, FunctionService functionService, TimeProvider time)
{
    /// <summary>ListFunctionUrlConfigs returns at most 50 items a page, whatever MaxItems asks.</summary>
    public const int MaxPage = 50;

    // AWS's texts; "Function does not exist" and "The resource you requested does not exist." are what AWS answers for
    // a missing function or alias and a missing URL config (as observed by LocalStack's snapshot tests).
    private const string NoFunction = "Function does not exist";
    private const string NoUrl = "The resource you requested does not exist.";

    // What was read at one count of changes, replaced whole when the count moves (so a deleted URL's entry goes too).
    private Snapshot _snapshot = new(0);

    public async Task<FunctionUrlConfig> CreateAsync(Scope scope, string functionName, string? qualifier, FunctionUrlChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var reference = Parse(scope, functionName, qualifier);
        FunctionUrlValidator.Check(change, requireAuthType: true);
        var effective = reference.Qualifier ?? FunctionVersion.Latest;
        await RequireTargetAsync(scope, reference, cancellationToken);
        var now = time.GetUtcNow();
        var config = new FunctionUrlConfig
        {
            FunctionName = reference.Name,
            Qualifier = effective,
            UrlId = FunctionUrlIds.For(scope.Account, scope.Region, reference.Name, effective),
            AuthType = change.AuthType!, // Checked above: required on create.
            InvokeMode = change.InvokeMode ?? FunctionUrlConfig.Buffered,
            Cors = change.Cors,
            CreationTime = now,
            LastModifiedTime = now,
        };
        if (!await urls.TryCreateFunctionUrlAsync(scope, config, cancellationToken))
        {
            if (await urls.GetFunctionUrlAsync(scope, reference.Name, effective, cancellationToken) is not null)
            {
                throw LambdaErrors.Conflict(
                    $"Failed to create function url config for [functionArn = {reference.Arn}]. Error message:  FunctionUrlConfig exists for this Lambda function");
            }

            // The function or alias went away between the check and the insert.
            throw LambdaErrors.NotFound(NoFunction);
        }

        Changed(scope, reference.Name);
        return config;
    }

    public async Task<FunctionUrlConfig> GetAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = Parse(scope, functionName, qualifier);
        var effective = reference.Qualifier ?? FunctionVersion.Latest;
        if (await urls.GetFunctionUrlAsync(scope, reference.Name, effective, cancellationToken) is { } config)
        {
            return config;
        }

        await RequireTargetAsync(scope, reference, cancellationToken);
        throw LambdaErrors.NotFound(NoUrl);
    }

    public async Task<FunctionUrlConfig> UpdateAsync(Scope scope, string functionName, string? qualifier, FunctionUrlChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var reference = Parse(scope, functionName, qualifier);
        FunctionUrlValidator.Check(change, requireAuthType: false);
        var effective = reference.Qualifier ?? FunctionVersion.Latest;
        var current = await urls.GetFunctionUrlAsync(scope, reference.Name, effective, cancellationToken);
        if (current is null)
        {
            await RequireTargetAsync(scope, reference, cancellationToken);
            throw LambdaErrors.NotFound(NoUrl);
        }

        var updated = current with
        {
            AuthType = change.AuthType ?? current.AuthType,
            InvokeMode = change.InvokeMode ?? current.InvokeMode,
            Cors = change.Cors ?? current.Cors,
            LastModifiedTime = time.GetUtcNow(),
        };
        if (!await urls.UpdateFunctionUrlAsync(scope, updated, cancellationToken))
        {
            throw LambdaErrors.NotFound(NoUrl);
        }

        Changed(scope, reference.Name);
        return updated;
    }

    public async Task DeleteAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = Parse(scope, functionName, qualifier);
        var effective = reference.Qualifier ?? FunctionVersion.Latest;
        if (!await urls.DeleteFunctionUrlAsync(scope, reference.Name, effective, cancellationToken))
        {
            await RequireTargetAsync(scope, reference, cancellationToken);
            throw LambdaErrors.NotFound(NoUrl);
        }

        Changed(scope, reference.Name);
    }

    /// <summary>One page of the function's URL configs and the marker of the next page (null at the end).</summary>
    public async Task<(IReadOnlyList<FunctionUrlConfig> Configs, string? NextMarker)> ListAsync(
        Scope scope, string functionName, string? marker, int? maxItems, CancellationToken cancellationToken)
    {
        var errors = new Validation.ValidationErrors();
        errors.Range(maxItems, "maxItems", 1, MaxPage);
        errors.ThrowIfAny();
        var reference = Parse(scope, functionName, null);
        if (await functions.GetFunctionAsync(scope, reference.Name, cancellationToken) is null)
        {
            throw LambdaErrors.NotFound(NoFunction);
        }

        var limit = Math.Min(maxItems ?? MaxPage, MaxPage);
        var page = await urls.ListFunctionUrlsAsync(scope, reference.Name, marker, limit + 1, cancellationToken);
        if (page.Count <= limit)
        {
            return (page, null);
        }

        var items = new FunctionUrlConfig[limit];
        for (var i = 0; i < limit; i++)
        {
            items[i] = page[i];
        }

        return (items, items[^1].Qualifier);
    }

    /// <summary>
    /// The function URL a request's host or path names, with its scope; null when there is none. Read from the store
    /// once per change (see the class's summary): every request to a URL comes here, on the thread that read it.
    /// </summary>
    public ValueTask<(Scope Scope, FunctionUrlConfig Config)?> FindAsync(string urlId, CancellationToken cancellationToken)
    {
        if (!FunctionUrlIds.IsWellFormed(urlId))
        {
            return ValueTask.FromResult<(Scope Scope, FunctionUrlConfig Config)?>(null);
        }

        var changes = functionService.Cache.Changes;
        var snapshot = Volatile.Read(ref _snapshot);
        return snapshot.Changes == changes && snapshot.ByUrlId.TryGetValue(urlId, out var found)
            ? ValueTask.FromResult<(Scope Scope, FunctionUrlConfig Config)?>(found)
            : ReadAsync(urlId, changes, cancellationToken);
    }

    private async ValueTask<(Scope Scope, FunctionUrlConfig Config)?> ReadAsync(string urlId, long changes, CancellationToken cancellationToken)
    {
        // The count was taken before the read: a change committed while it ran moves the count on, so what it read goes
        // into the snapshot of a count no later lookup matches (or into none).
        var read = await urls.FindByUrlIdAsync(urlId, cancellationToken);
        if (read is { } value && SnapshotAt(changes) is { } snapshot)
        {
            snapshot.ByUrlId[urlId] = value;
        }

        return read;
    }

    /// <summary>The snapshot of <paramref name="changes"/>, made if the current one is older; null if it is newer.</summary>
    private Snapshot? SnapshotAt(long changes)
    {
        while (true)
        {
            var current = Volatile.Read(ref _snapshot);
            if (current.Changes >= changes)
            {
                return current.Changes == changes ? current : null;
            }

            var next = new Snapshot(changes);
            if (Interlocked.CompareExchange(ref _snapshot, next, current) == current)
            {
                return next;
            }
        }
    }

    /// <summary>After a URL change committed: what was read of any URL is read again.</summary>
    private void Changed(Scope scope, string functionName) => functionService.Invalidate(new FunctionKey(scope, functionName));

    private static FunctionReference Parse(Scope scope, string functionName, string? qualifier)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        if (reference.Qualifier is { } given)
        {
            FunctionUrlValidator.CheckQualifier(given);
        }

        return reference;
    }

    private async Task RequireTargetAsync(Scope scope, FunctionReference reference, CancellationToken cancellationToken)
    {
        if (await functions.GetFunctionAsync(scope, reference.Name, cancellationToken) is null
            || (reference.Qualifier is { } alias && await functions.GetAliasAsync(scope, reference.Name, alias, cancellationToken) is null))
        {
            throw LambdaErrors.NotFound(NoFunction);
        }
    }

    private sealed class Snapshot(long changes)
    {
        public long Changes { get; } = changes;

        public ConcurrentDictionary<string, (Scope Scope, FunctionUrlConfig Config)> ByUrlId { get; } = new(StringComparer.Ordinal);
    }
}
