// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Hosting;

/// <summary>
/// Gives every response a request id and maps every error to AWS's form in one place: the error type in
/// <c>x-amzn-ErrorType</c> and a JSON body whose member names follow the model's error shape.
/// </summary>
internal sealed partial class AwsErrorMiddleware(RequestDelegate next, ILogger<AwsErrorMiddleware> logger)
{
    public const string RequestIdHeader = "x-amzn-RequestId";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Items[RequestIdHeader] = requestId;
        context.Response.Headers[RequestIdHeader] = requestId;
        try
        {
            await next(context);
        }
        catch (LambdaException ex)
        {
            await WriteAsync(context, ex);
        }
        catch (JsonException ex)
        {
            await WriteAsync(context, new LambdaException("InvalidRequestContentException", 400, $"Could not parse request body into json: {ex.Message}"));
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(context, new LambdaException("InvalidRequestContentException", 400, $"Could not read the request: {ex.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            Log.Unhandled(logger, ex, context.Request.Method, context.Request.Path);
            await WriteAsync(context, new LambdaException(LambdaErrors.ServiceType, 500, "An internal error occurred; see the Nimbus server log."));
        }
    }

    public static async Task WriteAsync(HttpContext context, LambdaException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var response = context.Response;
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json";
        response.Headers["x-amzn-ErrorType"] = error.ErrorType;
        if (error.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }
        }

        // ResourceNotFound and Service errors carry "Message"; the others "message"; validation errors no Type.
        var messageName = error.ErrorType is LambdaErrors.ResourceNotFoundType or LambdaErrors.ServiceType or "AccessDeniedException" ? "Message" : "message";
        using (var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (error.ErrorType != LambdaErrors.ValidationType)
            {
                writer.WriteString("Type", "User");
            }

            writer.WriteString(messageName, error.Message);
            if (error.Fields is { } fields)
            {
                foreach (var (key, value) in fields)
                {
                    writer.WriteString(key, value);
                }
            }

            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
    }
}
