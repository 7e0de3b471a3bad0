// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Logs;

namespace Nimbus.Core.Storage;

/// <summary>
/// Log groups, streams and their events as the CloudWatch Logs API sees them. The invoke path's
/// <see cref="ILogStore.AppendAsync"/> creates a Lambda function's group and stream on its first write, as Lambda does.
/// </summary>
public interface ILogGroupStore
{
    /// <summary>False when the group exists.</summary>
    Task<bool> CreateGroupAsync(Scope scope, string name, long creationTime, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>Deletes the group, its streams and events; false when it does not exist.</summary>
    Task<bool> DeleteGroupAsync(Scope scope, string name, CancellationToken cancellationToken);

    Task<LogGroupInfo?> GetGroupAsync(Scope scope, string name, CancellationToken cancellationToken);

    /// <summary>Groups by name; one more than <see cref="LogGroupQuery.Limit"/> when there are more.</summary>
    Task<IReadOnlyList<LogGroupInfo>> ListGroupsAsync(Scope scope, LogGroupQuery query, CancellationToken cancellationToken);

    /// <summary>Sets (or with null removes) the retention; false when the group does not exist.</summary>
    Task<bool> SetRetentionAsync(Scope scope, string name, int? days, CancellationToken cancellationToken);

    /// <summary>Replaces the group's tags; false when the group does not exist.</summary>
    Task<bool> SetTagsAsync(Scope scope, string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    Task<LogStreamStatus> CreateStreamAsync(Scope scope, string group, string stream, long creationTime, CancellationToken cancellationToken);

    Task<LogStreamStatus> DeleteStreamAsync(Scope scope, string group, string stream, CancellationToken cancellationToken);

    Task<LogStreamPage> ListStreamsAsync(Scope scope, string group, LogStreamQuery query, CancellationToken cancellationToken);

    /// <summary>Appends events (already checked) to an existing stream, stamped with <paramref name="ingestionTime"/>.</summary>
    Task<LogStreamStatus> PutEventsAsync(Scope scope, string group, string stream, IReadOnlyList<LogEvent> events, long ingestionTime, CancellationToken cancellationToken);

    Task<LogEventPage> GetEventsAsync(Scope scope, string group, string stream, LogEventRange range, CancellationToken cancellationToken);

    /// <summary>Events of the group that <paramref name="match"/> accepts, interleaved across its streams by time.</summary>
    Task<LogFilterPage> FilterEventsAsync(Scope scope, string group, LogFilterQuery query, Func<string, bool> match, CancellationToken cancellationToken);

    /// <summary>Deletes events older than their group's retention at <paramref name="now"/> (Unix ms); returns how many.</summary>
    Task<long> DeleteExpiredAsync(long now, CancellationToken cancellationToken);

    /// <summary>
    /// Size cap: every group storing more than <paramref name="maxBytes"/> of messages loses its oldest events (by
    /// timestamp, across its streams) until it stores at most <paramref name="targetBytes"/>. Returns what each trimmed
    /// group lost.
    /// </summary>
    Task<IReadOnlyList<LogGroupTrim>> TrimGroupsAsync(long maxBytes, long targetBytes, CancellationToken cancellationToken);
}
