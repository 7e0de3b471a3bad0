// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>
/// The one internal invoke entry point: the Invoke API, the asynchronous worker and the event source mapping pollers
/// all run a function through it. It takes a target resolved once (<see cref="FunctionResolver"/>) and gives a typed
/// outcome; a throttle is an outcome, not an exception, and nothing below the API knows HTTP status codes.
/// </summary>
public interface IInvocationService
{
    /// <param name="target">What runs, resolved once for this invocation.</param>
    /// <param name="requestId">The invocation's request id.</param>
    /// <param name="payload">The event, JSON.</param>
    /// <param name="type">How the invocation reached the function.</param>
    /// <param name="traceHeader">The X-Amzn-Trace-Id the runtime gets as _X_AMZN_TRACE_ID, or null.</param>
    /// <param name="clientContext">The client context as JSON text, or null.</param>
    /// <param name="cancellationToken">The caller gave up: the invocation stops and its environment is discarded.</param>
    Task<InvocationOutcome> InvokeAsync(
        ResolvedFunction target,
        RequestId requestId,
        ReadOnlyMemory<byte> payload,
        InvocationType type,
        string? traceHeader,
        string? clientContext,
        CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="InvokeAsync"/>, with a function's streamed response going to <paramref name="responseStream"/>
    /// as it is written (the result's <see cref="InvocationResult.Streamed"/> tells); a buffered response is returned
    /// in the result as usual. Implementations without streaming collect the stream.
    /// </summary>
    Task<InvocationOutcome> InvokeStreamingAsync(
        ResolvedFunction target,
        RequestId requestId,
        ReadOnlyMemory<byte> payload,
        IResponseStreamSink responseStream,
        string? traceHeader,
        CancellationToken cancellationToken) =>
        InvokeAsync(target, requestId, payload, InvocationType.RequestResponse, traceHeader, null, cancellationToken);
}
