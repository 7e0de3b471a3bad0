// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Nimbus.Core.Metrics;
using Nimbus.Core.Diagnostics;
using Nimbus.Core.Tracing;
using Nimbus.Execution.Concurrency;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// Runs invocations on the <see cref="Invoker"/>, turns the gate's refusal into a Throttled outcome, reports each
/// invocation's figures to the metrics recorder (AWS/Lambda's Invocations, Errors, Throttles, Duration, ...), and paces
/// streamed responses as AWS does past their first 6 MB (ExecutionOptions.StreamBandwidthBytesPerSecond). Every
/// invocation runs with a trace header decided by the function's TracingConfig (<see cref="TraceDecision"/>) and, while
/// a listener is attached, in an Invoke span whose id is the header's Parent.
/// </summary>
public sealed class InvocationService(Invoker invoker, IOptions<ExecutionOptions> options, TimeProvider time, IMetricsRecorder? metrics = null) : IInvocationService
{
    private readonly int _streamBandwidth = options.Value.StreamBandwidthBytesPerSecond;
    private readonly IMetricsRecorder? _metrics = metrics is { Enabled: true } ? metrics : null;

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
        // The caller's Parent is the Invoke span's parent; the function then runs with its own id as Parent. Without a
        // listener the caller's header is decided once: deciding a decided header again changes only its Parent.
        var decided = NimbusTracing.Source.HasListeners() ? TraceDecision.Decide(traceHeader, target.Version.TracingMode, null, time) : null;
        using var activity = decided is not null && TraceDecision.TryGetContext(decided, out var parent)
            ? NimbusTracing.Source.StartActivity(NimbusTracing.Invoke, ActivityKind.Server, Activity.Current is { } current && current.TraceId == parent.TraceId ? current.Context : parent)
            : null;
        var trace = TraceDecision.Decide(decided ?? traceHeader, target.Version.TracingMode, activity?.SpanId ?? ActivitySpanId.CreateRandom(), time);
        if (activity is not null)
        {
            activity.SetTag("faas.name", target.Version.Name);
            activity.SetTag("faas.invocation_id", requestId.ToString());
            activity.SetTag("faas.trigger", type == InvocationType.Event ? "pubsub" : "other");
            activity.SetTag("cloud.resource_id", target.InvokedFunctionArn);
        }

        var request = new InvocationRequest
        {
            RequestId = requestId,
            Type = type,
            Scope = target.Scope,
            Function = target.Version,
            InvokedFunctionArn = target.InvokedFunctionArn,
            Qualifier = target.Qualifier,
            OutboundNetwork = target.OutboundNetwork,
            Payload = payload,
            ClientContext = clientContext,
            TraceId = trace,
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
            if (activity is not null && result.FunctionError is { } error)
            {
                activity.SetStatus(ActivityStatusCode.Error, error);
            }

            return InvocationOutcome.Completed(result);
        }
        catch (InvocationThrottledException ex)
        {
            ended = true;
            metrics?.InvocationThrottled(target.Scope, name, target.Qualifier);
            activity?.SetStatus(ActivityStatusCode.Error, "Throttled");
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
