// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.Events.Tests.Support;

/// <summary>The durable queue passed through to another; a race test overrides the calls it steps into.</summary>
internal abstract class DelegatingAsyncInvocationStore(IAsyncInvocationStore inner) : IAsyncInvocationStore
{
    protected IAsyncInvocationStore Inner { get; } = inner;

    public virtual Task EnqueueAsync(AsyncInvocation invocation, CancellationToken cancellationToken) => Inner.EnqueueAsync(invocation, cancellationToken);

    public virtual Task<IReadOnlyList<AsyncInvocation>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Inner.ListDueAsync(now, limit, cancellationToken);

    public virtual Task RescheduleAsync(string requestId, int attempts, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        Inner.RescheduleAsync(requestId, attempts, nextAttemptAt, cancellationToken);

    public virtual Task CompleteAsync(string requestId, CancellationToken cancellationToken) => Inner.CompleteAsync(requestId, cancellationToken);

    public virtual Task<int> DeferFunctionAsync(Scope scope, string functionName, DateTimeOffset dueBy, DateTimeOffset until, CancellationToken cancellationToken) =>
        Inner.DeferFunctionAsync(scope, functionName, dueBy, until, cancellationToken);

    public virtual Task<int> ResumeFunctionAsync(
        Scope scope, string functionName, DateTimeOffset deferredFrom, DateTimeOffset deferredTo, DateTimeOffset now, CancellationToken cancellationToken) =>
        Inner.ResumeFunctionAsync(scope, functionName, deferredFrom, deferredTo, now, cancellationToken);
}
