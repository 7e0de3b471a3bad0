// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Logs;
using Nimbus.Core.Storage;

namespace Nimbus.Api.Logs;

/// <summary>
/// CloudWatch Logs on the shared endpoint: a POST with <c>X-Amz-Target: Logs_20140328.*</c> is answered here (after
/// authentication), every other request goes on to the routes. Dispatched by header, since Logs and SQS's JSON
/// protocol both post to <c>/</c>.
/// </summary>
internal sealed class LogsEndpointMiddleware(RequestDelegate next)
{
    /// <summary>A PutLogEvents batch is at most 1 MiB of messages; JSON escaping can double it.</summary>
    private const long MaxRequestBytes = 4 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !LogsProtocol.IsLogsRequest(context.Request))
        {
            await next(context);
            return;
        }

        var operation = context.Request.Headers["X-Amz-Target"].ToString()[LogsProtocol.TargetPrefix.Length..];
        try
        {
            await HandleAsync(context, operation);
        }
        catch (LogsException error)
        {
            await LogsProtocol.WriteErrorAsync(context, error.ErrorType, error.Message, error.StatusCode);
        }
        catch (AccessDeniedException denied)
        {
            // The Logs JSON protocol answers a denial as a client error (400), not Lambda's 403.
            await LogsProtocol.WriteErrorAsync(context, AccessDeniedException.ErrorType, denied.Message, StatusCodes.Status400BadRequest);
        }
    }

    private static async Task HandleAsync(HttpContext context, string operation)
    {
        if (context.Request.ContentLength > MaxRequestBytes)
        {
            throw LogsErrors.InvalidParameter($"Upload too large: {context.Request.ContentLength} bytes exceeds limit of {LogRules.MaxBatchBytes}");
        }

        JsonDocument document;
        try
        {
            document = context.Request.ContentLength == 0
                ? JsonDocument.Parse("{}")
                : await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException)
        {
            // AWS's JSON services answer SerializationException for a body that is not JSON; the text is ours.
            throw new LogsException("SerializationException", "The request body is not valid JSON.");
        }

        using (document)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
            await using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                var call = new LogsCall
                {
                    Context = context,
                    Input = document.RootElement,
                    Output = json,
                    Scope = context.RequestServices.GetRequiredService<RequestScope>().For(context.Request),
                    Store = context.RequestServices.GetRequiredService<ILogGroupStore>(),
                    Time = context.RequestServices.GetRequiredService<TimeProvider>(),
                };
                await LogsOperations.RunAsync(operation, call);
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = LogsProtocol.ContentType;
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        }
    }
}
