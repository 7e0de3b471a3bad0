// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Nimbus.Api.FunctionUrls;
using Nimbus.Api.Registry;
using Nimbus.Core.Threading;

namespace Nimbus.Api.Hosting;

/// <summary>
/// First in the pipeline. Requests arrive on the server's event threads (<see cref="EventThreads"/>): a synchronous
/// Invoke, or a function URL's request, stays there until it waits for its runtime, and the runtime's answer is sent back from the thread that read
/// it — the warm path without a thread hop. Every other request leaves at once, and reads its body through a
/// <see cref="PoolResumingPipeReader"/>, so that each wait for more of it also goes on on the thread pool: those APIs
/// hash, unpack, write SQLite and files synchronously once they have what they need.
/// </summary>
internal sealed class EventThreadMiddleware(RequestDelegate next)
{
    private const string InvokePrefix = "/2015-03-31/functions/";
    private const string InvokeSuffix = "/invocations";

    /// <summary>256 KiB: the payloads of most invocations (AWS's limit for an asynchronous one).</summary>
    private const long MaxInlinePayload = 256 * 1024;

    public Task InvokeAsync(HttpContext context) =>
        StaysOnEventThread(context.Request) ? next(context) : LeaveAsync(context);

    /// <summary>
    /// A synchronous Invoke (RequestResponse or DryRun), or a request to a function URL, with a body of at most
    /// <see cref="MaxInlinePayload"/>: what they do before the runtime answers is CPU work and reads of configuration
    /// — from caches, or one read of the store by key after a change (a cache miss), which waits for no writer in WAL
    /// mode — and a cold start leaves the event thread itself, in the invoker. A larger body, or one of unknown length,
    /// leaves: hashing it (SigV4) and copying it would hold the thread's other sockets for milliseconds. An Event
    /// invocation is stored durably first: it leaves.
    /// </summary>
    internal static bool StaysOnEventThread(HttpRequest request)
    {
        if (!SmallBody(request)
            // Routed by header or host before the path is looked at (the Logs, CloudTrail and ECR APIs, the registry):
            // whatever their path or host, they are neither an Invoke nor a function URL.
            || request.Headers.ContainsKey("X-Amz-Target")
            || RegistryAddress.IsRegistry(request))
        {
            return false;
        }

        if (FunctionUrlAddress.IsFunctionUrl(request))
        {
            return true;
        }

        var path = request.Path.Value;
        return path is not null
            && HttpMethods.IsPost(request.Method)
            && path.StartsWith(InvokePrefix, StringComparison.Ordinal)
            && path.EndsWith(InvokeSuffix, StringComparison.Ordinal)
            && !string.Equals(request.Headers["X-Amz-Invocation-Type"], "Event", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A body of known length up to <see cref="MaxInlinePayload"/>, or none (a GET).</summary>
    private static bool SmallBody(HttpRequest request) =>
        request.ContentLength is { } length
            ? length <= MaxInlinePayload
            : !(request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true);

    private async Task LeaveAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true)
        {
            PoolResumingBodyFeature.Install(context);
        }

        await EventThreads.Leave();
        await next(context);
    }
}
