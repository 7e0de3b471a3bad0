// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Access;
using Nimbus.Core.Errors;
using Nimbus.Execution.Invocation;

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
        var requestId = RequestId.New().Value;
        // Kept as the request's TraceIdentifier (a field of Kestrel's request): HttpContext.Items would cost a dictionary
        // and its feature on every request.
        context.TraceIdentifier = requestId;
        context.Response.Headers[RequestIdHeader] = requestId;
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentLength is null or 0)
            {
                // An error answered without a body (routing's 405, a bare status result): AWS's shape, as for the rest.
                await WriteAsync(context, ForEmptyError(context));
            }
        }
        catch (LambdaException ex)
        {
            await WriteAsync(context, ex);
        }
        catch (AccessDeniedException ex)
        {
            // Lambda's REST protocol; APIs of other protocols catch it and answer in theirs.
            await WriteAsync(context, new LambdaException(AccessDeniedException.ErrorType, AccessDeniedException.StatusCode, ex.Message));
        }
        catch (JsonException ex)
        {
            await WriteAsync(context, new LambdaException("InvalidRequestContentException", 400, $"Could not parse request body into json: {ex.Message}"));
        }
        catch (InvalidDataException ex)
        {
            // The form reader's and multipart reader's limits and syntax errors.
            await WriteAsync(context, new LambdaException("InvalidRequestContentException", 400, $"Could not read the request: {ex.Message}"));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteAsync(context, TooLarge(context));
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

    /// <summary>The request id this middleware gave the request (and its x-amzn-RequestId header).</summary>
    public static string RequestIdOf(HttpContext context) => context.TraceIdentifier;

    /// <summary>
    /// A path or method no route serves. AWS's Lambda endpoint answers these with UnknownOperationException; its exact
    /// message for them is not recorded anywhere we could find (botocore's model has no such shape), so ours says what
    /// was asked.
    /// </summary>
    public static LambdaException UnknownOperation(HttpContext context, int statusCode = StatusCodes.Status404NotFound) =>
        new("UnknownOperationException", statusCode, $"Nimbus does not serve {context.Request.Method} {context.Request.Path} yet. See the compatibility table in the README.");

    /// <summary>
    /// A body over the request's size limit (Kestrel's, or one an API set), refused as AWS's front door refuses it:
    /// RequestEntityTooLargeException, 413. AWS names the operation after the limit (LambdaErrors.RequestEntityTooLarge);
    /// here the operation may not be known yet, so the text stops at the limit.
    /// </summary>
    public static LambdaException TooLarge(HttpContext context) => new(
        LambdaErrors.RequestEntityTooLargeType,
        StatusCodes.Status413PayloadTooLarge,
        $"Request must be smaller than {context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes");

    private static LambdaException ForEmptyError(HttpContext context)
    {
        var status = context.Response.StatusCode;
        return status switch
        {
            StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed => UnknownOperation(context, status),
            StatusCodes.Status413PayloadTooLarge => new LambdaException("RequestTooLargeException", status, "The request is too large."),
            StatusCodes.Status415UnsupportedMediaType => new LambdaException("UnsupportedMediaTypeException", status, $"The content type '{context.Request.ContentType}' is not supported."),
            >= 500 => new LambdaException(LambdaErrors.ServiceType, status, "An internal error occurred; see the Nimbus server log."),
            _ => new LambdaException("InvalidRequestContentException", status, "The request could not be read."),
        };
    }

    public static async Task WriteAsync(HttpContext context, LambdaException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        Audit.AuditEntry.NoteError(context, error.ErrorType, error.Message);
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
