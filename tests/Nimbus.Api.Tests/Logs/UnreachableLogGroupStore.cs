// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Logs;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Tests.Logs;

/// <summary>A log group store for tests in which the store must not be reached (a denied call): every method fails the test.</summary>
internal sealed class UnreachableLogGroupStore : ILogGroupStore
{
    public Task<bool> CreateGroupAsync(Scope scope, string name, long creationTime, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) => throw Reached();

    public Task<bool> DeleteGroupAsync(Scope scope, string name, CancellationToken cancellationToken) => throw Reached();

    public Task<LogGroupInfo?> GetGroupAsync(Scope scope, string name, CancellationToken cancellationToken) => throw Reached();

    public Task<IReadOnlyList<LogGroupInfo>> ListGroupsAsync(Scope scope, LogGroupQuery query, CancellationToken cancellationToken) => throw Reached();

    public Task<bool> SetRetentionAsync(Scope scope, string name, int? days, CancellationToken cancellationToken) => throw Reached();

    public Task<bool> SetTagsAsync(Scope scope, string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) => throw Reached();

    public Task<LogStreamStatus> CreateStreamAsync(Scope scope, string group, string stream, long creationTime, CancellationToken cancellationToken) => throw Reached();

    public Task<LogStreamStatus> DeleteStreamAsync(Scope scope, string group, string stream, CancellationToken cancellationToken) => throw Reached();

    public Task<LogStreamPage> ListStreamsAsync(Scope scope, string group, LogStreamQuery query, CancellationToken cancellationToken) => throw Reached();

    public Task<LogStreamStatus> PutEventsAsync(Scope scope, string group, string stream, IReadOnlyList<LogEvent> events, long ingestionTime, CancellationToken cancellationToken) => throw Reached();

    public Task<LogEventPage> GetEventsAsync(Scope scope, string group, string stream, LogEventRange range, CancellationToken cancellationToken) => throw Reached();

    public Task<LogFilterPage> FilterEventsAsync(Scope scope, string group, LogFilterQuery query, Func<string, bool> match, CancellationToken cancellationToken) => throw Reached();

    public Task<long> DeleteExpiredAsync(long now, CancellationToken cancellationToken) => throw Reached();

    public Task<IReadOnlyList<LogGroupTrim>> TrimGroupsAsync(long maxBytes, long targetBytes, CancellationToken cancellationToken) => throw Reached();

    private static InvalidOperationException Reached() => new("A denied or refused Logs call reached the store.");
}
