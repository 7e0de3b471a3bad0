// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Hosting;
using Nimbus.Core.Errors;
using Nimbus.Execution.Invocation;

namespace Nimbus.Api.Lambda;

/// <summary>
/// InvokeWithResponseStream (2021-11-15): the function's answer as event stream messages, PayloadChunk as it writes
/// and InvokeComplete at the end (ErrorCode and ErrorDetails when it failed, LogResult for Tail). A function that
/// answers buffered is sent in one chunk, as AWS does.
/// </summary>
internal static class InvokeStreamEndpoints
{
    public static IEndpointRouteBuilder MapInvokeStreamEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/2021-11-15/functions/{functionName}/response-streaming-invocations", InvokeAsync);
        return routes;
    }

    private static async Task InvokeAsync(HttpContext context, string functionName, FunctionResolver functions, IInvocationService invoker, RequestScope scopes)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        var invocationType = request.Headers["X-Amz-Invocation-Type"].ToString();
        if (invocationType.Length > 0 && invocationType is not ("RequestResponse" or "DryRun"))
        {
            throw LambdaErrors.Validation(
                $"1 validation error detected: Value '{invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [RequestResponse, DryRun]");
        }

        var logType = request.Headers["X-Amz-Log-Type"].ToString();
        if (logType.Length > 0 && logType is not ("None" or "Tail"))
        {
            throw LambdaErrors.Validation(
                $"1 validation error detected: Value '{logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]");
        }

        var qualifier = request.Query["Qualifier"].ToString() is { Length: > 0 } q ? q : null;
        var traceId = request.Headers["X-Amzn-Trace-Id"].ToString() is { Length: > 0 } t ? t : Core.Tracing.TraceDecision.FromTraceparent(request.Headers["traceparent"].ToString());
        var (buffer, length) = await InvokePayload.ReadAsync(request, InvokeEndpoints.MaxSyncPayload, "InvokeWithResponseStream", ct);
        try
        {
            var payload = length == 0 ? "{}"u8.ToArray().AsMemory() : buffer.AsMemory(0, length);
            InvokeEndpoints.CheckJson(payload.Span);
            var target = await functions.ResolveAsync(scopes.For(request), functionName, qualifier, ct);
            if (invocationType == "DryRun")
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            using var sink = new EventStreamSink(context.Response, target.Version.Version, ct);
            var outcome = await invoker.InvokeStreamingAsync(target, InvokeEndpoints.RequestIdOf(context), payload, sink, traceId, ct);
            if (!outcome.Ran)
            {
                throw LambdaErrors.TooManyRequests(outcome.Throttle.AwsReason, outcome.Throttle.RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null);
            }

            var result = outcome.Result;
            if (!result.Streamed && result.FunctionError is null)
            {
                await sink.WriteAsync(result.Payload);
            }

            await sink.CompleteAsync(Completion(result, logType == "Tail"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// InvokeComplete's JSON: ErrorCode (the error's type, as the function named it) and ErrorDetails (its message) when
    /// the function failed. AWS documents the members, not their exact contents; this is Nimbus's reading.
    /// </summary>
    private static byte[] Completion(InvocationResult result, bool tail)
    {
        var output = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            if (result.FunctionError is not null)
            {
                var (type, message) = Error(result.Payload);
                json.WriteString("ErrorCode", type ?? result.ErrorType ?? result.FunctionError);
                json.WriteString("ErrorDetails", message);
            }

            if (tail)
            {
                json.WriteString("LogResult", InvokeEndpoints.Tail(result.LogLines));
            }

            json.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>The error's type and message as the function named them (errorType, errorMessage), else the raw payload.</summary>
    private static (string? Type, string Message) Error(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errorMessage", out var message) && message.ValueKind == JsonValueKind.String)
            {
                var type = root.TryGetProperty("errorType", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null;
                return (type, message.GetString()!); // A String element's value is never null.
            }
        }
        catch (JsonException)
        {
        }

        return (null, System.Text.Encoding.UTF8.GetString(payload.Span));
    }
}
