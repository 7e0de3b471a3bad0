// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>The durable queue of asynchronous invocations: an event is committed before its 202 is sent.</summary>
public interface IAsyncInvocationStore
{
    Task EnqueueAsync(AsyncInvocation invocation, CancellationToken cancellationToken);

    /// <summary>Invocations due at <paramref name="now"/>, earliest due first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AsyncInvocation>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Records an attempt and when to try again.</summary>
    Task RescheduleAsync(string requestId, int attempts, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Removes a handled invocation.</summary>
    Task CompleteAsync(string requestId, CancellationToken cancellationToken);
}
