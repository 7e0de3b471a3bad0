// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nimbus.Api.Access;
using Nimbus.Api.Hosting;
using Nimbus.Api.Lambda;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Policies;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.FunctionUrls;
using Nimbus.Core.Permissions;
using Nimbus.Execution.Invocation;

namespace Nimbus.Api.FunctionUrls;

/// <summary>
/// Serves one request to a function URL: finds the URL, answers a CORS preflight from its config, authenticates and
/// authorizes AWS_IAM callers (lambda:InvokeFunctionUrl), turns the request into the payload 2.0 event, invokes the
/// function through the one invoke entry point and maps its answer back (buffered, or streamed for RESPONSE_STREAM).
/// </summary>
internal sealed partial class FunctionUrlHandler(
    FunctionUrlService urls,
    FunctionResolver functions,
    IInvocationService invoker,
    FunctionUrlAuthenticator authenticator,
    TimeProvider time,
    ILogger<FunctionUrlHandler> logger)
{
    // The front end's own answers. AWS's exact bodies for these are not documented; these are what it is seen to send.
    private const string Forbidden = """{"Message":"Forbidden"}""";
    private const string NotFound = """{"Message":null}""";
    private const string TooLarge = """{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}""";
    private const string RateExceeded = """{"Message":"Rate Exceeded."}""";
    private const string UrlAuthTypeKey = "lambda:FunctionUrlAuthType";
    private const string ViaUrlKey = "lambda:InvokedViaFunctionUrl";

    public async Task HandleAsync(HttpContext context, string urlId, string domainName)
    {
        var request = context.Request;
        var response = context.Response;
        var ct = context.RequestAborted;
        if (await urls.FindAsync(urlId, ct) is not { } found)
        {
            await FunctionUrlResponse.WriteStatusAsync(response, StatusCodes.Status404NotFound, NotFound, ct);
            return;
        }

        var (scope, config) = found;
        if (config.Cors is { } cors && FunctionUrlCorsPolicy.IsPreflight(request))
        {
            FunctionUrlCorsPolicy.AnswerPreflight(response, request, cors);
            return;
        }

        if (request.ContentLength > InvokeEndpoints.MaxSyncPayload)
        {
            await FunctionUrlResponse.WriteStatusAsync(response, StatusCodes.Status413PayloadTooLarge, TooLarge, ct);
            return;
        }

        byte[] body;
        int length;
        try
        {
            (body, length) = await InvokePayload.ReadAsync(request, InvokeEndpoints.MaxSyncPayload, "InvokeFunction", ct);
        }
        catch (LambdaException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await FunctionUrlResponse.WriteStatusAsync(response, StatusCodes.Status413PayloadTooLarge, TooLarge, ct);
            return;
        }

        var eventBuffer = new ArrayBufferWriter<byte>(1024 + (length * 4 / 3));
        try
        {
            var functionArn = scope.FunctionArn(config.FunctionName, config.Qualifier == FunctionVersion.Latest ? null : config.Qualifier);
            CallerIdentity? caller = null;
            if (config.AuthType == FunctionUrlConfig.AuthIam)
            {
                caller = authenticator.Authenticate(request, body.AsSpan(0, length));
            }

            if ((config.AuthType == FunctionUrlConfig.AuthIam && caller is null)
                || !await AllowedAsync(context, caller ?? CallerIdentity.Anonymous, scope, config, functionArn))
            {
                await FunctionUrlResponse.WriteStatusAsync(response, StatusCodes.Status403Forbidden, Forbidden, ct);
                return;
            }

            var requestId = AwsErrorMiddleware.RequestIdOf(context);
            var (rawPath, rawQuery) = RawTarget(context, urlId);
            var now = time.GetUtcNow();
            var traceId = request.Headers["X-Amzn-Trace-Id"] is { Count: > 0 } given ? given.ToString()
                : Core.Tracing.TraceDecision.FromTraceparent(request.Headers["traceparent"].ToString()) ?? NewTraceId(now);
            var urlRequest = new FunctionUrlRequest
            {
                Http = request,
                UrlId = urlId,
                DomainName = domainName,
                RawPath = rawPath,
                RawQuery = rawQuery,
                RequestId = requestId,
                SourceIp = (context.Connection.RemoteIpAddress ?? IPAddress.Loopback).ToString(),
                TraceId = traceId,
                Time = now,
                Caller = caller,
            };
            FunctionUrlEvent.Write(eventBuffer, urlRequest, body.AsSpan(0, length));
            await InvokeAsync(context, scope, config, new RequestId(requestId), eventBuffer.WrittenMemory, traceId);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private async Task InvokeAsync(HttpContext context, Scope scope, FunctionUrlConfig config, RequestId requestId, ReadOnlyMemory<byte> payload, string traceId)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        ResolvedFunction target;
        try
        {
            target = await functions.ResolveAsync(scope, config.FunctionName, config.Qualifier == FunctionVersion.Latest ? null : config.Qualifier, ct);
        }
        catch (LambdaException e)
        {
            Log.NotInvoked(logger, config.FunctionName, e.Message);
            await FunctionUrlResponse.WriteBadGatewayAsync(response, ct);
            return;
        }

        response.Headers["X-Amzn-Trace-Id"] = traceId;
        if (config.InvokeMode == FunctionUrlConfig.ResponseStream)
        {
            await InvokeStreamingAsync(context, config, target, requestId, payload, traceId);
            return;
        }

        var outcome = await invoker.InvokeAsync(target, requestId, payload, InvocationType.RequestResponse, traceId, null, ct);
        await WriteBufferedAsync(context, config, outcome);
    }

    private async Task InvokeStreamingAsync(HttpContext context, FunctionUrlConfig config, ResolvedFunction target, RequestId requestId, ReadOnlyMemory<byte> payload, string traceId)
    {
        using var sink = new FunctionUrlStreamSink(context, config.Cors, context.RequestAborted);
        var outcome = await invoker.InvokeStreamingAsync(target, requestId, payload, sink, traceId, context.RequestAborted);
        if (outcome.Ran && outcome.Result.Streamed)
        {
            // Streamed: the answer is out; an error mid-stream (or the deadline) only ends it early.
            await sink.CompleteAsync();
            return;
        }

        await WriteBufferedAsync(context, config, outcome);
    }

    private static async Task WriteBufferedAsync(HttpContext context, FunctionUrlConfig config, InvocationOutcome outcome)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        if (!outcome.Ran)
        {
            await FunctionUrlResponse.WriteStatusAsync(response, StatusCodes.Status429TooManyRequests, RateExceeded, ct);
            return;
        }

        var result = outcome.Result;
        if (result.FunctionError is not null || result.Payload.Length > InvokeEndpoints.MaxResponsePayload
            || !FunctionUrlResponse.TryMap(response, result.Payload, out var body))
        {
            response.Headers.Remove("Set-Cookie");
            await FunctionUrlResponse.WriteBadGatewayAsync(response, ct);
            return;
        }

        FunctionUrlCorsPolicy.AddResponseHeaders(response, context.Request, config.Cors);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, ct);

        // Sent now: an empty 4xx of the function's own is its answer, not an error for the API's error shaping.
        await response.CompleteAsync();
    }

    /// <summary>
    /// What AWS requires of function URLs created since October 2025 (Lambda Developer Guide, urls-auth): both
    /// lambda:InvokeFunctionUrl (with lambda:FunctionUrlAuthType the URL's AuthType) and lambda:InvokeFunction (with
    /// lambda:InvokedViaFunctionUrl true) on the function (or alias) ARN. For AWS_IAM the signed caller's identity
    /// policies and the function's own policy for the URL's qualifier decide (either Allow suffices in its account);
    /// for NONE the caller is anonymous, so only the function policy's statements for Principal "*" can allow it.
    /// </summary>
    private static async Task<bool> AllowedAsync(HttpContext context, CallerIdentity caller, Scope scope, FunctionUrlConfig config, string functionArn)
    {
        context.Features.Set(caller);
        if (context.RequestServices.GetService<Authorizer>() is null)
        {
            // A server without IAM's policies (no Authorizer registered) lets every valid key do everything, as the
            // rest of its API does; with IAM, lambda:InvokeFunctionUrl decides.
            return true;
        }

        try
        {
            var policy = context.RequestServices.GetService<IFunctionPolicySource>() is { } policies
                ? await policies.FindAsync(scope, config.FunctionName, config.Qualifier, context.RequestAborted)
                : null;
            await context.AuthorizeAsync("lambda:InvokeFunctionUrl", functionArn, new ContextKeys().Set(UrlAuthTypeKey, config.AuthType), policy);
            await context.AuthorizeAsync("lambda:InvokeFunction", functionArn, new ContextKeys().Set(ViaUrlKey, ContextValue.Bool(true)), policy);
            return true;
        }
        catch (AccessDeniedException)
        {
            return false;
        }
    }

    /// <summary>The function's path and query as the client sent them; the path form's /_url/&lt;id&gt; is not the function's.</summary>
    private static (string Path, string Query) RawTarget(HttpContext context, string urlId)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            target = context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];
        var prefix = FunctionUrlAddress.PathPrefix + urlId;
        if (path.StartsWith(prefix, StringComparison.Ordinal))
        {
            path = path[prefix.Length..];
        }

        return (path.Length == 0 ? "/" : path, query);
    }

    /// <summary>A new X-Ray trace id (Root=1-&lt;epoch hex&gt;-&lt;24 hex&gt;), as AWS's front end adds one.</summary>
    private static string NewTraceId(DateTimeOffset now) =>
        $"Root=1-{now.ToUnixTimeSeconds():x8}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12))}";

    private static partial class Log
    {
        [LoggerMessage(EventId = 4700, Level = LogLevel.Information, Message = "Function URL of {FunctionName} could not invoke it: {Reason}")]
        public static partial void NotInvoked(ILogger logger, string functionName, string reason);
    }
}
