// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using Nimbus.Events.Async;
using Nimbus.Execution.Concurrency;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Invocations;

/// <summary>
/// The invoke path: resolves name, ARN and qualifier to the version that runs, checks it can run, and either
/// runs it now (RequestResponse) or commits it to the durable queue (Event) before the caller gets its 202.
/// </summary>
public sealed class InvokeService(FunctionService functions, Invoker invoker, IAsyncInvocationStore queue, AsyncInvocationWorker worker, TimeProvider time)
{
    /// <summary>Resolves what an invocation would run; throws AWS's error when it cannot.</summary>
    /// <remarks>For an alias with a routing configuration, the version is chosen here, by weight, per invocation.</remarks>
    public async Task<(FunctionVersion Version, string InvokedArn, string? Qualifier, bool? OutboundNetwork)> ResolveAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var target = await functions.GetForInvokeAsync(scope, functionName, qualifier, cancellationToken);
        var version = target.Choose();
        if (version.State != FunctionStates.Active)
        {
            throw LambdaErrors.Conflict($"The operation cannot be performed at this time. The function is currently in the following state: {version.State}");
        }

        var record = target.Record;
        return (version, scope.FunctionArn(record.Name, target.Reference.Qualifier), target.Reference.Qualifier, FunctionTags.OutboundNetworkOf(record.Tags));
    }

    /// <summary>Runs a synchronous invocation.</summary>
    /// <param name="requestId">The invocation's request id (the API's x-amzn-RequestId, as on AWS); a new one when null.</param>
    public async Task<InvocationResult> InvokeAsync(
        Scope scope,
        string functionName,
        string? qualifier,
        ReadOnlyMemory<byte> payload,
        string? clientContext,
        string? traceId,
        CancellationToken cancellationToken,
        string? requestId = null)
    {
        var (version, invokedArn, _, outbound) = await ResolveAsync(scope, functionName, qualifier, cancellationToken);
        var request = new InvocationRequest
        {
            RequestId = requestId ?? Guid.NewGuid().ToString(),
            Scope = scope,
            Function = version,
            InvokedFunctionArn = invokedArn,
            OutboundNetwork = outbound,
            Payload = payload,
            ClientContext = clientContext,
            TraceId = traceId,
        };
        try
        {
            return await invoker.InvokeAsync(request, cancellationToken);
        }
        catch (InvocationThrottledException ex)
        {
            // A synchronous invoke is refused, never queued: AWS's 429.
            throw Throttles.ToLambdaError(ex);
        }
    }

    /// <summary>Accepts an Event invocation: durable once this returns. Gives the request id.</summary>
    public async Task<string> EnqueueAsync(Scope scope, string functionName, string? qualifier, byte[] payload, string? clientContext, string? traceId, CancellationToken cancellationToken)
    {
        var (version, _, resolvedQualifier, _) = await ResolveAsync(scope, functionName, qualifier, cancellationToken);
        var now = time.GetUtcNow();
        var invocation = new AsyncInvocation
        {
            RequestId = Guid.NewGuid().ToString(),
            Scope = scope,
            FunctionName = version.Name,
            Qualifier = resolvedQualifier,
            Payload = payload,
            ClientContext = clientContext,
            TraceId = traceId,
            EnqueuedAt = now,
            NextAttemptAt = now,
        };
        await queue.EnqueueAsync(invocation, cancellationToken);
        worker.Wake();
        return invocation.RequestId;
    }
}
