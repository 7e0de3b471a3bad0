// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

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

    /// <summary>
    /// Moves every event of a throttled function that is due by <paramref name="dueBy"/> to
    /// <paramref name="until"/>, attempts unchanged (a throttle is not an attempt). Gives how many moved.
    /// </summary>
    Task<int> DeferFunctionAsync(Scope scope, string functionName, DateTimeOffset dueBy, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the function's events due between <paramref name="deferredFrom"/> and <paramref name="deferredTo"/> (its deferrals) due
    /// at <paramref name="now"/>: capacity freed before they ran out. Gives how many moved.
    /// </summary>
    Task<int> ResumeFunctionAsync(Scope scope, string functionName, DateTimeOffset deferredFrom, DateTimeOffset deferredTo, DateTimeOffset now, CancellationToken cancellationToken);
}
