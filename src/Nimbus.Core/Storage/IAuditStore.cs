// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Audit;

namespace Nimbus.Core.Storage;

/// <summary>
/// The audit trail: append-only. Nothing here changes a recorded event; the only removal is the retention sweep
/// (<see cref="DeleteBeforeAsync"/>), which no API reaches.
/// </summary>
public interface IAuditStore
{
    /// <summary>
    /// Appends the events in one transaction. <paramref name="durable"/>: committed with a sync to disk before the task
    /// completes (management events); otherwise committed to the log without a sync of its own (data events).
    /// </summary>
    Task AppendAsync(IReadOnlyList<AuditEvent> events, bool durable, CancellationToken cancellationToken);

    Task<AuditPage> LookupAsync(AuditLookup lookup, CancellationToken cancellationToken);

    /// <summary>Deletes the events older than <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
