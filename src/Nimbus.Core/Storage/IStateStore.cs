// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

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

    /// <summary>True when any stored function version still uses the code with this hash.</summary>
    Task<bool> IsCodeReferencedAsync(string codeSha256, CancellationToken cancellationToken);
}
