// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Options;
using Nimbus.Core.Metrics;
using Nimbus.Execution.Concurrency;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// Runs invocations on the <see cref="Invoker"/>, turns the gate's refusal into a Throttled outcome, reports each
/// invocation's figures to the metrics recorder (AWS/Lambda's Invocations, Errors, Throttles, Duration, ...), and paces
/// streamed responses as AWS does past their first 6 MB (ExecutionOptions.StreamBandwidthBytesPerSecond).
/// </summary>
public sealed class InvocationService(Invoker invoker, IOptions<ExecutionOptions> options, TimeProvider time, IMetricsRecorder? metrics = null) : IInvocationService
{
    private readonly IMetricsRecorder? _metrics = metrics is { Enabled: true } ? metrics : null;
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
        var metrics = _metrics;
        var name = target.Function.Name;
        metrics?.InvocationStarting(target.Scope, name, target.Qualifier);
        var ended = false;
        try
        {
            var result = await invoker.InvokeAsync(request, cancellationToken);
            ended = true;
            metrics?.InvocationEnded(
                target.Scope,
                name,
                target.Qualifier,
                new InvocationFigures(result.Duration.TotalMilliseconds, result.FunctionError is not null, result.Provisioned, invoker.UnreservedInFlight(target.Scope), result.ProvisionedConfigured, result.ColdStart));
            return InvocationOutcome.Completed(result);
        }
        catch (InvocationThrottledException ex)
        {
            ended = true;
            metrics?.InvocationThrottled(target.Scope, name, target.Qualifier);
            return InvocationOutcome.Throttled(new InvocationThrottle(ex.Reason, ex.RetryAfter));
        }
        finally
        {
            if (!ended)
            {
                // Cut short (the caller went away, the server stops): it ran, and did not succeed.
                metrics?.InvocationEnded(target.Scope, name, target.Qualifier, new InvocationFigures(0, Error: true, Provisioned: false, UnreservedInFlight: -1, ProvisionedConfigured: 0));
            }
        }
    }
}
