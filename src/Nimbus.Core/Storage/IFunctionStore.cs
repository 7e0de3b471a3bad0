// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Storage;

/// <summary>
/// The function aggregate: each function's <c>$LATEST</c>, its published versions and its aliases, with the same
/// commit rule as every store (see <see cref="IStoreSchema"/>); optimistic concurrency by revision ids.
/// </summary>
public interface IFunctionStore
{
    Task<FunctionRecord?> GetFunctionAsync(Scope scope, string name, CancellationToken cancellationToken);

    /// <summary>Inserts a new function; false when one of that name already exists in the scope.</summary>
    Task<bool> TryCreateFunctionAsync(FunctionRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a function if its stored <c>$LATEST</c> revision is still <paramref name="expectedRevisionId"/>
    /// (optimistic concurrency); false when it changed or is gone.
    /// </summary>
    Task<bool> TryUpdateFunctionAsync(FunctionRecord record, string expectedRevisionId, CancellationToken cancellationToken);

    /// <summary>Deletes a function and everything that belongs to it; false when there was none.</summary>
    Task<bool> DeleteFunctionAsync(Scope scope, string name, CancellationToken cancellationToken);

    /// <summary>Functions of a scope in name order, starting after <paramref name="afterName"/>.</summary>
    Task<IReadOnlyList<FunctionRecord>> ListFunctionsAsync(Scope scope, string? afterName, int limit, CancellationToken cancellationToken);

    /// <summary>Functions of any scope whose create or update has not settled (to resume after a restart).</summary>
    Task<IReadOnlyList<FunctionRecord>> ListSettlingFunctionsAsync(CancellationToken cancellationToken);

    /// <summary>Functions of any scope with a published SnapStart version (their snapshots are made again after a restart).</summary>
    Task<IReadOnlyList<FunctionRecord>> ListSnapStartFunctionsAsync(CancellationToken cancellationToken);

    /// <summary>How many functions a scope has and the total size of their code.</summary>
    Task<(long FunctionCount, long TotalCodeSize)> GetUsageAsync(Scope scope, CancellationToken cancellationToken);

    /// <summary>Sets the function's recursive-loop setting (Terminate or Allow); false when the function is gone.</summary>
    Task<bool> SetRecursiveLoopAsync(Scope scope, string functionName, string recursiveLoop, CancellationToken cancellationToken);

    /// <summary>True when any stored function version still uses the code with this hash.</summary>
    Task<bool> IsCodeReferencedAsync(string codeSha256, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a newly published version if <c>$LATEST</c> is still at <paramref name="expectedRevisionId"/> and no
    /// other version was published since the caller read <paramref name="expectedLastVersion"/>; the function's
    /// last published number becomes the new version's. False when either changed or the function is gone.
    /// </summary>
    /// <remarks>Publishing gives <c>$LATEST</c> a new RevisionId, as on AWS: <paramref name="latest"/> is stored with it.</remarks>
    Task<bool> TryPublishVersionAsync(Scope scope, FunctionVersion latest, FunctionVersion version, int expectedLastVersion, string expectedRevisionId, CancellationToken cancellationToken);

    Task<FunctionVersion?> GetVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken);

    /// <summary>Published versions in ascending number, starting after <paramref name="afterVersion"/>.</summary>
    Task<IReadOnlyList<FunctionVersion>> ListVersionsAsync(Scope scope, string name, int afterVersion, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces a published version's record (only its lifecycle state ever changes).</summary>
    Task UpdateVersionAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken);

    /// <summary>Deletes one published version unless an alias points to it; false when none was deleted.</summary>
    Task<bool> DeleteVersionAsync(Scope scope, string name, int version, CancellationToken cancellationToken);

    Task<FunctionAlias?> GetAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken);

    /// <summary>Aliases of a function in name order.</summary>
    Task<IReadOnlyList<FunctionAlias>> ListAliasesAsync(Scope scope, string functionName, CancellationToken cancellationToken);

    /// <summary>Inserts an alias; false when the function already has one of that name (or is gone).</summary>
    Task<bool> TryCreateAliasAsync(Scope scope, FunctionAlias functionAlias, CancellationToken cancellationToken);

    /// <summary>Replaces an alias if its stored revision is still <paramref name="expectedRevisionId"/>.</summary>
    Task<bool> TryUpdateAliasAsync(Scope scope, FunctionAlias functionAlias, string expectedRevisionId, CancellationToken cancellationToken);

    Task<bool> DeleteAliasAsync(Scope scope, string functionName, string aliasName, CancellationToken cancellationToken);
}
