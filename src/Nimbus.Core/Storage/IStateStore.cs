// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;

namespace Nimbus.Core.Storage;

/// <summary>
/// Durable metadata. Every method that returns has committed (or found nothing to commit): a caller may
/// acknowledge a change to its client as soon as the task completes. Implementations: SQLite (embedded
/// default) and, for several nodes, PostgreSQL. Declared here, beside the rules that use it, so Core stays
/// free of I/O; Nimbus.Storage implements it.
/// </summary>
public interface IStateStore : IConcurrencyStore
{
    /// <summary>Creates the schema or brings it up to date. Called once at start, before anything else.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

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

    /// <summary>How many functions a scope has and the total size of their code.</summary>
    Task<(long FunctionCount, long TotalCodeSize)> GetUsageAsync(Scope scope, CancellationToken cancellationToken);

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

    Task<ProvisionedConcurrencyConfig?> GetProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);

    /// <summary>The provisioned-concurrency configs of one function (by qualifier), or of every function when null.</summary>
    Task<IReadOnlyList<(Scope Scope, ProvisionedConcurrencyConfig Config)>> ListProvisionedConcurrencyAsync(Scope? scope, string? functionName, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the config of one qualifier; false when the function is gone.</summary>
    Task<bool> PutProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken);

    /// <summary>
    /// Records progress on a config if it is still the one the caller read (same <c>LastModified</c> and size),
    /// so a status report never brings back a config that was deleted or replaced meanwhile.
    /// </summary>
    Task<bool> TryUpdateProvisionedConcurrencyAsync(Scope scope, ProvisionedConcurrencyConfig config, CancellationToken cancellationToken);

    Task<bool> DeleteProvisionedConcurrencyAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);

    Task<EventInvokeConfig?> GetEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);

    /// <summary>The event invoke configs of one function, by qualifier.</summary>
    Task<IReadOnlyList<EventInvokeConfig>> ListEventInvokeConfigsAsync(Scope scope, string functionName, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the config of one qualifier; false when the function is gone.</summary>
    Task<bool> PutEventInvokeConfigAsync(Scope scope, EventInvokeConfig config, CancellationToken cancellationToken);

    Task<bool> DeleteEventInvokeConfigAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);

    /// <summary>Sets the function's recursive-loop setting (Terminate or Allow); false when the function is gone.</summary>
    Task<bool> SetRecursiveLoopAsync(Scope scope, string functionName, string recursiveLoop, CancellationToken cancellationToken);

    Task<EventSourceMapping?> GetEventSourceMappingAsync(string uuid, CancellationToken cancellationToken);

    /// <summary>Mappings of a scope (or of every scope when null), optionally of one source or function, by UUID.</summary>
    Task<IReadOnlyList<EventSourceMapping>> ListEventSourceMappingsAsync(Scope? scope, string? eventSourceArn, string? functionName, CancellationToken cancellationToken);

    /// <summary>Inserts a mapping; false when one for the same source and function exists (AWS allows one).</summary>
    Task<bool> TryCreateEventSourceMappingAsync(EventSourceMapping mapping, CancellationToken cancellationToken);

    /// <summary>Replaces a mapping if it was last modified at <paramref name="expectedLastModified"/>.</summary>
    Task<bool> TryUpdateEventSourceMappingAsync(EventSourceMapping mapping, DateTimeOffset expectedLastModified, CancellationToken cancellationToken);

    Task<bool> DeleteEventSourceMappingAsync(string uuid, CancellationToken cancellationToken);

    /// <summary>True when any stored function version still uses the code with this hash.</summary>
    Task<bool> IsCodeReferencedAsync(string codeSha256, CancellationToken cancellationToken);
}
