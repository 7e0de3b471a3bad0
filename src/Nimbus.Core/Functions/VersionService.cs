// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;
using static Nimbus.Core.Functions.Paging;

namespace Nimbus.Core.Functions;

/// <summary>
/// Published versions and aliases: PublishVersion, ListVersionsByFunction and the alias operations. Publishing
/// itself is the function's (<see cref="FunctionService"/> also publishes on create and update with Publish=true);
/// like it, this service does no I/O itself and commits before returning.
/// </summary>
public sealed partial class VersionService(FunctionService functions, IFunctionStore store, ConcurrencyService concurrency)
{
    private readonly FunctionService _functions = functions;
    private readonly IFunctionStore _store = store;
    private readonly ConcurrencyService _concurrency = concurrency;

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

        var record = await _functions.LoadForUpdateAsync(reference, revisionId, cancellationToken);
        var latest = record.Latest;
        if (codeSha256 is not null && codeSha256 != latest.CodeSha256)
        {
            throw LambdaErrors.InvalidParameter(
                $"CodeSHA256 ({codeSha256}) is different from current CodeSHA256 in $LATEST ({latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.");
        }

        return await _functions.PublishUnlessUnchangedAsync(record, description, cancellationToken);
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
}
