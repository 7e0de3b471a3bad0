// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Permissions;
using Nimbus.Core.Tracing;
using Nimbus.Events.Async;
using Nimbus.Execution.Invocation;

namespace Nimbus.Api.Lambda;

/// <summary>Invoke (2015-03-31) and the deprecated InvokeAsync (2014-11-13).</summary>
internal static class InvokeEndpoints
{
    /// <summary>6 MB: the synchronous request and response limit.</summary>
    public const int MaxSyncPayload = 6 * 1024 * 1024;

    /// <summary>1 MB: the asynchronous (Event) request limit.</summary>
    public const int MaxAsyncPayload = 1024 * 1024;

    /// <summary>A function's response may be 6 MB and 100 bytes (the Runtime API's own limit).</summary>
    public const int MaxResponsePayload = MaxSyncPayload + 100;

    private const int TailBytes = 4 * 1024;

    public static IEndpointRouteBuilder MapInvokeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/2015-03-31/functions/{functionName}/invocations", InvokeAsync);
        routes.MapPost("/2014-11-13/functions/{functionName}/invoke-async", InvokeAsyncDeprecatedAsync);
        return routes;
    }

    private static async Task InvokeAsync(
        HttpContext context,
        string functionName,
        FunctionResolver functions,
        IInvocationService invoker,
        AsyncInvokeService events,
        RequestScope scopes,
        IFunctionPolicySource policies)
    {
        var request = context.Request;
        var response = context.Response;
        var ct = context.RequestAborted;
        var invocationType = request.Headers["X-Amz-Invocation-Type"].ToString();
        if (invocationType.Length == 0)
        {
            invocationType = "RequestResponse";
        }

        if (invocationType is not ("RequestResponse" or "Event" or "DryRun"))
        {
            throw LambdaErrors.Validation(
                $"1 validation error detected: Value '{invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
        }

        var logType = request.Headers["X-Amz-Log-Type"].ToString();
        if (logType.Length > 0 && logType is not ("None" or "Tail"))
        {
            throw LambdaErrors.Validation(
                $"1 validation error detected: Value '{logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]");
        }

        var scope = scopes.For(request);
        // Query parsed only when there is one (the parsed collection is an allocation per request).
        var qualifier = request.QueryString.HasValue && request.Query["Qualifier"].ToString() is { Length: > 0 } q ? q : null;
        var clientContext = DecodeClientContext(request.Headers["X-Amz-Client-Context"].ToString());
        var traceId = request.Headers["X-Amzn-Trace-Id"].ToString() is { Length: > 0 } t ? t : TraceDecision.FromTraceparent(request.Headers["traceparent"].ToString());
        var isEvent = invocationType == "Event";
        var (buffer, length) = await InvokePayload.ReadAsync(request, isEvent ? MaxAsyncPayload : MaxSyncPayload, isEvent ? "InvokeAsync" : "InvokeFunction", ct);
        try
        {
            var payload = length == 0 ? "{}"u8.ToArray().AsMemory() : buffer.AsMemory(0, length);
            CheckJson(payload.Span);
            var owner = await AuthorizeInvokeAsync(context, policies, "lambda:InvokeFunction", scope, functionName, qualifier);
            var target = await functions.ResolveAsync(owner, functionName, qualifier, ct);

            // As on AWS, the Invoke's request id is the invocation's (for an Event, it names the event in destinations and DLQs).
            var requestId = RequestIdOf(context);
            switch (invocationType)
            {
                case "DryRun":
                    response.StatusCode = StatusCodes.Status204NoContent;
                    return;
                case "Event":
                    await events.EnqueueAsync(target, requestId, payload.ToArray(), clientContext, traceId, ct);
                    response.StatusCode = StatusCodes.Status202Accepted;
                    return;
            }

            var outcome = await invoker.InvokeAsync(target, requestId, payload, InvocationType.RequestResponse, traceId, clientContext, ct);
            if (!outcome.Ran)
            {
                // A synchronous invoke is refused, never queued: AWS's 429.
                throw TooManyRequests(outcome.Throttle);
            }

            await WriteResultAsync(response, outcome.Result, logType == "Tail", ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task InvokeAsyncDeprecatedAsync(
        HttpContext context,
        string functionName,
        FunctionResolver functions,
        AsyncInvokeService events,
        RequestScope scopes,
        IFunctionPolicySource policies)
    {
        var ct = context.RequestAborted;
        var (buffer, length) = await InvokePayload.ReadAsync(context.Request, MaxAsyncPayload, "InvokeAsync", ct);
        try
        {
            var payload = length == 0 ? "{}"u8.ToArray() : buffer.AsSpan(0, length).ToArray();
            CheckJson(payload);
            var owner = await AuthorizeInvokeAsync(context, policies, "lambda:InvokeAsync", scopes.For(context.Request), functionName, null);
            var target = await functions.ResolveAsync(owner, functionName, null, ct);
            await events.EnqueueAsync(target, RequestIdOf(context), payload, null, null, ct);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"Status\":202}", ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// lambda:InvokeFunction (lambda:InvokeAsync for the deprecated API) on the function (or version, or alias) the
    /// request names, with that qualifier's
    /// resource-based policy: across accounts only a statement naming the caller lets it in; within the account an
    /// Allow in either the identity-based or the function policy suffices, and a Deny in either stops it. Asked before
    /// the function is looked up, so a caller not allowed learns nothing of whether it exists. Gives the owner's scope.
    /// </summary>
    private static async Task<Scope> AuthorizeInvokeAsync(HttpContext context, IFunctionPolicySource policies, string action, Scope scope, string functionName, string? qualifier)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false, otherAccounts: true);
        var named = reference.Qualifier ?? FunctionVersion.Latest;
        var resource = named == FunctionVersion.Latest ? reference.UnqualifiedArn : reference.Arn;
        var policy = await policies.FindAsync(reference.Scope, reference.Name, named, context.RequestAborted);
        await context.AuthorizeAsync(action, resource, resourcePolicy: policy);
        return reference.Scope;
    }

    /// <summary>The request id <see cref="AwsErrorMiddleware"/> gave this request (and its x-amzn-RequestId header).</summary>
    public static RequestId RequestIdOf(HttpContext context) =>
        new(AwsErrorMiddleware.RequestIdOf(context));

    /// <summary>The gate's throttle as AWS reports it: TooManyRequestsException with a ThrottleReason and Retry-After.</summary>
    private static LambdaException TooManyRequests(InvocationThrottle throttle) => LambdaErrors.TooManyRequests(
        throttle.AwsReason,
        throttle.RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null);

    private static async Task WriteResultAsync(HttpResponse response, InvocationResult result, bool tail, CancellationToken cancellationToken)
    {
        var payload = result.Payload;
        string? functionError = result.FunctionError;
        if (payload.Length > MaxResponsePayload)
        {
            payload = Encoding.UTF8.GetBytes(
                $"{{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size ({MaxResponsePayload} bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}}");
            functionError = "Unhandled";
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = result.ContentType;
        response.Headers["X-Amz-Executed-Version"] = result.ExecutedVersion;
        if (functionError is not null)
        {
            response.Headers["X-Amz-Function-Error"] = functionError;
        }

        if (tail)
        {
            response.Headers["X-Amz-Log-Result"] = Tail(result.LogLines);
        }

        response.ContentLength = payload.Length;
        await response.Body.WriteAsync(payload, cancellationToken);
    }

    /// <summary>The last 4 KB of the invocation's log, base64, as AWS returns it.</summary>
    public static string Tail(IReadOnlyList<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return Convert.ToBase64String(bytes.AsSpan(Math.Max(0, bytes.Length - TailBytes)));
    }

    private static string? DecodeClientContext(string header)
    {
        if (header.Length == 0)
        {
            return null;
        }

        var bytes = new byte[header.Length];
        if (header.Length > 3583 * 2 || !Convert.TryFromBase64String(header, bytes, out var written))
        {
            throw new LambdaException("InvalidRequestContentException", 400, "Client context must be a valid Base64-encoded JSON object.");
        }

        return Encoding.UTF8.GetString(bytes, 0, written);
    }

    public static void CheckJson(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            throw new LambdaException("InvalidRequestContentException", 400, $"Could not parse request body into json: Could not parse payload into json: {ex.Message}");
        }
    }
}
