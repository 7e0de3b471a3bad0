// SPDX-License-Identifier: Apache-2.0
using System.Formats.Cbor;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Api.Hosting;
using Nimbus.Api.Wire;
using Nimbus.Core.Access;
using Nimbus.Core.Metrics;

namespace Nimbus.Api.CloudWatch;

/// <summary>
/// Serves CloudWatch's operations in its three protocols: the CBOR route here, and JSON (X-Amz-Target) and
/// query-protocol forms handed over by <see cref="QueryEndpoints"/>. Errors (and denials, AccessDenied 403) go back in
/// the request's protocol: JSON or CBOR maps with <c>__type</c> and <c>x-amzn-query-error: Code;Sender</c>, or an XML
/// ErrorResponse.
/// </summary>
internal static class CloudWatchEndpoints
{
    /// <summary>PutMetricData takes up to 1 MB; the CBOR of a full request stays well inside this.</summary>
    private const int MaxBodyBytes = 2 * 1024 * 1024;

    public static IEndpointRouteBuilder MapCloudWatchEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(CloudWatchProtocol.CborPathPrefix + "{operation}", HandleCborAsync);
        return routes;
    }

    public static async Task HandleCborAsync(HttpContext context, string operation)
    {
        try
        {
            var run = CloudWatchOperations.Find(operation)
                ?? throw new CloudWatchException("UnknownOperationException", "UnknownOperationException", $"The operation {operation} is not served.", 404);
            var body = await ReadBodyAsync(context);
            var cbor = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false);
            await run(Call(context, CborInputReader.Read(body), new CborCloudWatchWriter(cbor)));
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = CloudWatchProtocol.CborContentType;
            response.Headers[CloudWatchProtocol.SmithyProtocolHeader] = CloudWatchProtocol.SmithyProtocol;
            var bytes = cbor.Encode();
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        }
        catch (CloudWatchException error)
        {
            await WriteCborErrorAsync(context, error.Code, error.Type, error.Message, error.Status);
        }
        catch (AccessDeniedException denied)
        {
            await WriteCborErrorAsync(context, AccessDeniedException.QueryCode, AccessDeniedException.ErrorType, denied.Message, AccessDeniedException.StatusCode);
        }
    }

    /// <summary>awsJson1_0 (boto3): the operation named by X-Amz-Target, errors as JSON with x-amzn-query-error.</summary>
    public static async Task HandleJsonAsync(HttpContext context)
    {
        var operation = CloudWatchProtocol.Json.Operation(context.Request);
        try
        {
            var run = CloudWatchOperations.Find(operation)
                ?? throw new CloudWatchException("UnknownOperationException", "UnknownOperationException", $"The operation {operation} is not served.", 404);
            var body = await ReadBodyAsync(context);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
            await using (var json = AwsJsonProtocol.Writer(buffer))
            {
                await run(Call(context, JsonInputReader.Read(body), new JsonCloudWatchWriter(json)));
            }

            await CloudWatchProtocol.Json.WriteResultAsync(context, buffer);
        }
        catch (CloudWatchException error)
        {
            await WriteJsonErrorAsync(context, error.Code, error.Type, error.Message, error.Status);
        }
        catch (AccessDeniedException denied)
        {
            await WriteJsonErrorAsync(context, AccessDeniedException.QueryCode, AccessDeniedException.ErrorType, denied.Message, AccessDeniedException.StatusCode);
        }
    }

    /// <summary>A JSON error: <c>__type</c> the error's shape, <c>message</c>, and the query code in x-amzn-query-error.</summary>
    public static Task WriteJsonErrorAsync(HttpContext context, string code, string type, string message, int status) =>
        CloudWatchProtocol.Json.WriteErrorAsync(context, new AwsJsonError(type, message, status, code));

    public static async Task HandleQueryAsync(HttpContext context, IReadOnlyDictionary<string, string> form)
    {
        var action = form.TryGetValue("Action", out var named) ? named : null;
        var xml = new StringBuilder(512);
        try
        {
            if (string.IsNullOrEmpty(action))
            {
                // AWS's common error for a request without an Action.
                throw new CloudWatchException("MissingAction", "MissingAction", "The request is missing an action or a required parameter.");
            }

            var run = CloudWatchOperations.Find(action)
                ?? throw new CloudWatchException("InvalidAction", "InvalidAction", $"Could not find operation {action} for version {CloudWatchProtocol.Version}");
            xml.Append("<?xml version=\"1.0\"?><").Append(action).Append("Response xmlns=\"").Append(CloudWatchProtocol.XmlNamespace).Append("\">");
            var resultStart = xml.Length;
            await run(Call(context, QueryInputReader.Read(form), new QueryResultWriter(xml, action)));
            if (action == "PutMetricData")
            {
                xml.Length = resultStart; // an operation without output answers only its metadata
            }

            xml.Append("<ResponseMetadata><RequestId>").Append(RequestId(context)).Append("</RequestId></ResponseMetadata></").Append(action).Append("Response>");
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/xml";
            await context.Response.WriteAsync(xml.ToString(), context.RequestAborted);
        }
        catch (CloudWatchException error)
        {
            await WriteQueryErrorAsync(context, error.Code, error.Message, error.Status);
        }
        catch (AccessDeniedException denied)
        {
            await WriteQueryErrorAsync(context, AccessDeniedException.QueryCode, denied.Message, AccessDeniedException.StatusCode);
        }
    }

    /// <summary>A CBOR error: <c>__type</c> the error's shape, <c>message</c>, and the query code in x-amzn-query-error.</summary>
    public static async Task WriteCborErrorAsync(HttpContext context, string code, string type, string message, int status)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        var cbor = new CborWriter();
        cbor.WriteStartMap(2);
        cbor.WriteTextString("__type");
        cbor.WriteTextString("com.amazonaws.cloudwatch#" + type);
        cbor.WriteTextString("message");
        cbor.WriteTextString(message);
        cbor.WriteEndMap();
        var bytes = cbor.Encode();
        response.StatusCode = status;
        response.ContentType = CloudWatchProtocol.CborContentType;
        response.Headers[CloudWatchProtocol.SmithyProtocolHeader] = CloudWatchProtocol.SmithyProtocol;
        response.Headers[CloudWatchProtocol.QueryErrorHeader] = $"{code};{(status >= 500 ? "Receiver" : "Sender")}";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    public static async Task WriteQueryErrorAsync(HttpContext context, string code, string message, int status)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        var xml = new StringBuilder(256);
        xml.Append("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"").Append(CloudWatchProtocol.XmlNamespace).Append("\"><Error><Type>")
            .Append(status >= 500 ? "Receiver" : "Sender").Append("</Type><Code>");
        XmlText.Escape(xml, code);
        xml.Append("</Code><Message>");
        XmlText.Escape(xml, message);
        xml.Append("</Message></Error><RequestId>").Append(RequestId(context)).Append("</RequestId></ErrorResponse>");
        response.StatusCode = status;
        response.ContentType = "text/xml";
        await response.WriteAsync(xml.ToString(), context.RequestAborted);
    }

    private static CloudWatchCall Call(HttpContext context, CloudWatchInput input, ICloudWatchWriter output) => new()
    {
        Context = context,
        Input = input,
        Output = output,
        Scope = context.RequestServices.GetRequiredService<RequestScope>().For(context.Request),
        Metrics = context.RequestServices.GetRequiredService<MetricsService>(),
        Time = context.RequestServices.GetRequiredService<TimeProvider>(),
    };

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            throw CloudWatchException.InvalidParameterValue($"Request size {request.ContentLength} exceeded {MaxBodyBytes} bytes");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw CloudWatchException.InvalidParameterValue($"Request size exceeded {MaxBodyBytes} bytes");
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), context.RequestAborted);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static string RequestId(HttpContext context) =>
        AwsErrorMiddleware.RequestIdOf(context);
}
