// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Access;
using Nimbus.Core.Errors;
using Nimbus.Core.Queues;
using Nimbus.Events.Queues;

namespace Nimbus.Api.Queues;

/// <summary>
/// SQS on the Lambda API's endpoint. The JSON protocol (boto3 and current SDKs) posts to <c>/</c> with
/// <c>X-Amz-Target: AmazonSQS.{Action}</c>; the query protocol (older clients, e.g. Debian's AWS CLI) posts a form
/// with <c>Action=</c> to <c>/</c> or to the queue URL <c>/{account}/{queueName}</c> and reads XML.
/// </summary>
internal static class QueueEndpoints
{
    public const string XmlNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";
    private const string TargetPrefix = "AmazonSQS.";
    private const string JsonContentType = "application/x-amz-json-1.0";

    /// <summary>SQS requests are small (a batch is at most 1 MiB of messages); the form and JSON limit leaves room for encoding.</summary>
    private const int MaxRequestBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapQueueEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/{account}/{queueName}", context => HandleAsync(
            context,
            $"{context.Request.Scheme}://{context.Request.Host}/{context.Request.RouteValues["account"]}/{context.Request.RouteValues["queueName"]}"));
        return routes;
    }

    /// <summary>SQS's JSON or query request; <c>POST /</c> comes here through the query dispatcher (QueryEndpoints).</summary>
    internal static async Task HandleAsync(HttpContext context, string? pathQueueUrl)
    {
        var request = context.Request;
        var target = request.Headers["X-Amz-Target"].ToString();
        if (target.StartsWith(TargetPrefix, StringComparison.Ordinal))
        {
            await HandleJsonAsync(context, target[TargetPrefix.Length..], pathQueueUrl);
        }
        else if (request.HasFormContentType)
        {
            await HandleQueryAsync(context, pathQueueUrl);
        }
        else
        {
            throw AwsErrorMiddleware.UnknownOperation(context);
        }
    }

    private static async Task HandleJsonAsync(HttpContext context, string action, string? pathQueueUrl)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        JsonDocument document;
        try
        {
            if (context.Request.ContentLength > MaxRequestBytes)
            {
                throw QueueErrors.InvalidParameterValue($"Request must be smaller than {MaxRequestBytes} bytes.");
            }

            document = await JsonDocument.ParseAsync(context.Request.Body, default, ct);
        }
        catch (JsonException)
        {
            await WriteJsonErrorAsync(response, new QueueException("SerializationException", "SerializationException", 400, "Could not parse the request body as JSON."));
            return;
        }
        catch (BadHttpRequestException ex)
        {
            await WriteJsonErrorAsync(response, new QueueException("SerializationException", "SerializationException", 400, $"Could not read the request body: {ex.Message}"));
            return;
        }
        catch (QueueException error)
        {
            await WriteJsonErrorAsync(response, error);
            return;
        }

        using (document)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
            try
            {
                using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    json.WriteStartObject();
                    var call = new SqsCall
                    {
                        Context = context,
                        Input = new JsonSqsInput(document.RootElement),
                        Output = new JsonSqsWriter(json),
                        Scope = Scope(context),
                        Queues = context.RequestServices.GetRequiredService<QueueService>(),
                        PathQueueUrl = pathQueueUrl,
                    };
                    await SqsOperations.RunAsync(action, call);
                    json.WriteEndObject();
                }
            }
            catch (QueueException error)
            {
                await WriteJsonErrorAsync(response, error);
                return;
            }
            catch (AccessDeniedException denied)
            {
                await WriteJsonErrorAsync(response, AccessDenied(denied));
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = JsonContentType;
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory, ct);
        }
    }

    private static async Task HandleQueryAsync(HttpContext context, string? pathQueueUrl)
    {
        var response = context.Response;
        IFormCollection form;
        try
        {
            if (context.Request.ContentLength > MaxRequestBytes)
            {
                throw QueueErrors.InvalidParameterValue($"Request must be smaller than {MaxRequestBytes} bytes.");
            }

            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException || (ex is IOException && !context.RequestAborted.IsCancellationRequested))
        {
            // The form reader's limits (a key over 2,048 bytes, a value over 4 MiB, more than 1,024 values), a cut or
            // malformed multipart body. AWS's common errors name this MalformedQueryString; its wire text is not
            // documented, so the reader's own reason is given. AWS's page says 404 for it; a client error is 400.
            await WriteXmlErrorAsync(context, new QueueException("MalformedQueryString", "MalformedQueryString", 400, $"The request's form could not be read: {ex.Message}"));
            return;
        }
        catch (QueueException error)
        {
            await WriteXmlErrorAsync(context, error);
            return;
        }

        var parameters = new Dictionary<string, string>(form.Count, StringComparer.Ordinal);
        foreach (var (key, value) in form)
        {
            parameters[key] = value.ToString();
        }

        var action = parameters.TryGetValue("Action", out var named) ? named : string.Empty;
        var xml = new StringBuilder(512);
        xml.Append("<?xml version=\"1.0\"?><").Append(action).Append("Response xmlns=\"").Append(XmlNamespace).Append("\">");
        var resultStart = xml.Length;
        xml.Append('<').Append(action).Append("Result>");
        var bodyStart = xml.Length;
        try
        {
            var call = new SqsCall
            {
                Context = context,
                Input = new QuerySqsInput(parameters),
                Output = new XmlSqsWriter(xml),
                Scope = Scope(context),
                Queues = context.RequestServices.GetRequiredService<QueueService>(),
                PathQueueUrl = pathQueueUrl,
            };
            await SqsOperations.RunAsync(action, call);
        }
        catch (QueueException error)
        {
            await WriteXmlErrorAsync(context, error);
            return;
        }
        catch (AccessDeniedException denied)
        {
            await WriteXmlErrorAsync(context, AccessDenied(denied));
            return;
        }

        if (xml.Length == bodyStart && !SqsOperations.HasResult(action))
        {
            xml.Length = resultStart; // actions without output answer only their metadata
        }
        else
        {
            xml.Append("</").Append(action).Append("Result>");
        }

        xml.Append("<ResponseMetadata><RequestId>").Append(RequestId(context)).Append("</RequestId></ResponseMetadata></").Append(action).Append("Response>");
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/xml";
        await response.WriteAsync(xml.ToString(), context.RequestAborted);
    }

    private static async Task WriteJsonErrorAsync(HttpResponse response, QueueException error)
    {
        if (response.HasStarted)
        {
            return;
        }

        Audit.AuditEntry.NoteError(response.HttpContext, error.QueryCode, error.Message);
        response.StatusCode = error.StatusCode;
        response.ContentType = JsonContentType;
        response.Headers["x-amzn-query-error"] = $"{error.QueryCode};{(error.SenderFault ? "Sender" : "Receiver")}";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            // AccessDenied is no error of SQS's model but the service framework's: AWS answers it with the framework's
            // type name and a capitalized Message (as observed; the SDKs read the code from x-amzn-query-error).
            var denied = error.ShapeName == AccessDeniedShape;
            json.WriteStartObject();
            json.WriteString("__type", denied ? "com.amazon.coral.service#" + AccessDeniedShape : "com.amazonaws.sqs#" + error.ShapeName);
            json.WriteString(denied ? "Message" : "message", error.Message);
            json.WriteEndObject();
        }

        await response.Body.WriteAsync(buffer.WrittenMemory, response.HttpContext.RequestAborted);
    }

    internal static async Task WriteXmlErrorAsync(HttpContext context, QueueException error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        var xml = new StringBuilder(256);
        xml.Append("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"").Append(XmlNamespace).Append("\"><Error><Type>")
            .Append(error.SenderFault ? "Sender" : "Receiver").Append("</Type><Code>");
        XmlText.Escape(xml, error.QueryCode);
        xml.Append("</Code><Message>");

        // The query protocol words this one error differently from the JSON protocol.
        XmlText.Escape(xml, error.ShapeName == "QueueDoesNotExist" ? "The specified queue does not exist for this wsdl version." : error.Message);
        xml.Append("</Message><Detail/></Error><RequestId>").Append(RequestId(context)).Append("</RequestId></ErrorResponse>");
        Audit.AuditEntry.NoteError(context, error.QueryCode, error.Message);
        response.StatusCode = error.StatusCode;
        response.ContentType = "text/xml";
        await response.WriteAsync(xml.ToString(), context.RequestAborted);
    }

    private const string AccessDeniedShape = AccessDeniedException.ErrorType;

    /// <summary>A denial in SQS's terms: 403, query code AccessDenied (a Sender fault), AWS's message.</summary>
    private static QueueException AccessDenied(AccessDeniedException denied) =>
        new(AccessDeniedShape, AccessDeniedException.QueryCode, AccessDeniedException.StatusCode, denied.Message);

    private static Core.Arns.Scope Scope(HttpContext context) => context.RequestServices.GetRequiredService<RequestScope>().For(context.Request);

    private static string RequestId(HttpContext context) =>
        AwsErrorMiddleware.RequestIdOf(context);
}
