// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>
/// The schema every state store shares (one database, one ordered list of migrations). Implementations: SQLite
/// (embedded default) and, for several nodes, PostgreSQL. The store interfaces are declared here, beside the rules
/// that use them, so Core stays free of I/O; Nimbus.Storage implements them. Every store method that returns has
/// committed (or found nothing to commit): a caller may acknowledge a change to its client as soon as the task
/// completes.
/// </summary>
public interface IStoreSchema
{
    /// <summary>Creates the schema or brings it up to date. Called once at start, before anything else.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}
