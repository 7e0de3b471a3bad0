// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;

namespace Nimbus.Core.Logs;

/// <summary>The events of a PutLogEvents batch to store, and the indexes of those left out (rejectedLogEventsInfo).</summary>
public sealed record PutLogEventsOutcome(IReadOnlyList<LogEvent> Accepted, int? TooNewLogEventStartIndex, int? TooOldLogEventEndIndex, int? ExpiredLogEventEndIndex)
{
    public bool AnyRejected => TooNewLogEventStartIndex is not null || TooOldLogEventEndIndex is not null || ExpiredLogEventEndIndex is not null;
}
