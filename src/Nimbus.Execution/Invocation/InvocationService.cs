// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Options;
using Nimbus.Execution.Concurrency;

namespace Nimbus.Execution.Invocation;

/// <summary>Runs invocations on the <see cref="Invoker"/> and turns the gate's refusal into a Throttled outcome;
/// streamed responses are paced as AWS paces them past their first 6 MB (ExecutionOptions.StreamBandwidthBytesPerSecond).</summary>
public sealed class InvocationService(Invoker invoker, IOptions<ExecutionOptions> options, TimeProvider time) : IInvocationService
{
    private readonly int _streamBandwidth = options.Value.StreamBandwidthBytesPerSecond;

    public Task<InvocationOutcome> InvokeAsync(
        ResolvedFunction target,
        RequestId requestId,
        ReadOnlyMemory<byte> payload,
        InvocationType type,
        string? traceHeader,
        string? clientContext,
        CancellationToken cancellationToken) =>
        RunAsync(target, requestId, payload, type, traceHeader, clientContext, null, cancellationToken);

    public Task<InvocationOutcome> InvokeStreamingAsync(
        ResolvedFunction target,
        RequestId requestId,
        ReadOnlyMemory<byte> payload,
        IResponseStreamSink responseStream,
        string? traceHeader,
        CancellationToken cancellationToken) =>
        RunAsync(target, requestId, payload, InvocationType.RequestResponse, traceHeader, null, Paced(responseStream), cancellationToken);

    private IResponseStreamSink Paced(IResponseStreamSink sink) =>
        _streamBandwidth > 0 ? new BandwidthCappedSink(sink, ExecutionOptions.StreamBurstBytes, _streamBandwidth, time) : sink;

    private async Task<InvocationOutcome> RunAsync(
        ResolvedFunction target,
        RequestId requestId,
        ReadOnlyMemory<byte> payload,
        InvocationType type,
        string? traceHeader,
        string? clientContext,
        IResponseStreamSink? responseStream,
        CancellationToken cancellationToken)
    {
        var request = new InvocationRequest
        {
            RequestId = requestId,
            Type = type,
            Scope = target.Scope,
            Function = target.Version,
            InvokedFunctionArn = target.InvokedFunctionArn,
            OutboundNetwork = target.OutboundNetwork,
            Payload = payload,
            ClientContext = clientContext,
            TraceId = traceHeader,
            ResponseStream = responseStream,
        };
        try
        {
            return InvocationOutcome.Completed(await invoker.InvokeAsync(request, cancellationToken));
        }
        catch (InvocationThrottledException ex)
        {
            return InvocationOutcome.Throttled(new InvocationThrottle(ex.Reason, ex.RetryAfter));
        }
    }
}
