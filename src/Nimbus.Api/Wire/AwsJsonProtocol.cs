// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Audit;

namespace Nimbus.Api.Wire;

/// <summary>
/// One AWS JSON protocol (awsJson1_0 / awsJson1_1) as a service speaks it: the operation named by
/// <c>X-Amz-Target: {prefix}{Operation}</c>, answers in the protocol's content type, and errors as
/// <c>{"__type": type, "message": text}</c>. Logs, CloudTrail and ECR name the error in <c>x-amzn-ErrorType</c>;
/// an <c>awsQueryCompatible</c> service (CloudWatch) qualifies <c>__type</c> with its namespace and gives the query
/// protocol's code in <c>x-amzn-query-error: Code;Sender</c> instead.
/// </summary>
internal sealed class AwsJsonProtocol(string targetPrefix, string contentType)
{
    public const string TargetHeader = "X-Amz-Target";
    public const string Json10 = "application/x-amz-json-1.0";
    public const string Json11 = "application/x-amz-json-1.1";
    public const string ErrorTypeHeader = "x-amzn-ErrorType";
    public const string QueryErrorHeader = "x-amzn-query-error";

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string TargetPrefix { get; } = targetPrefix;

    public string ContentType { get; } = contentType;

    /// <summary>Prepended to an error's <c>__type</c> (an awsQueryCompatible service's shape namespace, e.g. <c>com.amazonaws.cloudwatch#</c>).</summary>
    public string ErrorTypePrefix { get; init; } = "";

    /// <summary>The service is awsQueryCompatible: errors carry <c>x-amzn-query-error</c> rather than <c>x-amzn-ErrorType</c>.</summary>
    public bool QueryCompatible { get; init; }

    /// <summary>A writer of a JSON answer with the escaping AWS's services use (non-ASCII text as is).</summary>
    public static Utf8JsonWriter Writer(IBufferWriter<byte> buffer) => new(buffer, s_writerOptions);

    public bool IsRequest(HttpRequest request) =>
        request.Headers[TargetHeader].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    /// <summary>The operation a request of this protocol names (the target after the prefix).</summary>
    public string Operation(HttpRequest request) => request.Headers[TargetHeader].ToString()[TargetPrefix.Length..];

    /// <summary>A 200 answer of the protocol with the body written.</summary>
    public async Task WriteResultAsync(HttpContext context, ArrayBufferWriter<byte> body)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = body.WrittenCount;
        await response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted);
    }

    /// <summary>
    /// An error as the protocol answers it; the audit trail notes it (in the query code where the service has one).
    /// Nothing is written once the answer has started.
    /// </summary>
    public async Task WriteErrorAsync(HttpContext context, AwsJsonError error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        AuditEntry.NoteError(context, QueryCompatible ? error.QueryCode ?? error.Type : error.Type, error.Message);
        response.StatusCode = error.Status;
        response.ContentType = ContentType;
        if (QueryCompatible)
        {
            response.Headers[QueryErrorHeader] = $"{error.QueryCode ?? error.Type};{(error.Status >= 500 ? "Receiver" : "Sender")}";
        }
        else
        {
            response.Headers[ErrorTypeHeader] = error.Type;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = Writer(buffer))
        {
            json.WriteStartObject();
            json.WriteString("__type", ErrorTypePrefix + error.Type);
            json.WriteString("message", error.Message);
            json.WriteEndObject();
        }

        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
