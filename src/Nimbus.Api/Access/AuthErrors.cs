// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Hosting;
using Nimbus.Api.Queues;
using Nimbus.Api.Wire;
using Nimbus.Core.Access.Signing;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Access;

/// <summary>
/// Authentication failures in the protocol of the API called: Lambda's REST JSON (x-amzn-ErrorType), SQS's JSON
/// protocol (<c>__type</c> and the query code in x-amzn-query-error), the query protocol of SQS, IAM, STS or CloudWatch (and CloudWatch's CBOR) (XML
/// ErrorResponse in the namespace of the service the credential was scoped to), or CloudWatch Logs' JSON 1.1
/// and the other JSON 1.1 APIs, CloudTrail and ECR (<c>__type</c>, HTTP 400 as they answer every client error).
/// </summary>
internal static class AuthErrors
{
    public static async Task WriteAsync(HttpContext context, SignatureStatus status, string message)
    {
        var (type, queryCode, httpStatus) = Describe(status);
        var request = context.Request;

        // The trail names the error as the API answers it: the query code for SQS and the query-compatible protocols.
        var queryProtocol = QueryServices.IsForm(request) || CloudWatch.CloudWatchProtocol.IsJsonRequest(request) || CloudWatch.CloudWatchProtocol.IsCborRequest(request)
            || request.Headers["X-Amz-Target"].ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal);
        await Audit.AuthenticationAudit.RecordAsync(context, queryProtocol ? queryCode : type, message);
        await WriteErrorAsync(context, type, queryCode, httpStatus, message);
    }

    private static Task WriteErrorAsync(HttpContext context, string type, string queryCode, int httpStatus, string message)
    {
        var request = context.Request;
        if (request.Headers["X-Amz-Target"].ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal))
        {
            return WriteSqsJsonAsync(context, type, queryCode, httpStatus, message);
        }

        if (JsonProtocol(request) is { } json)
        {
            // The JSON 1.1 services (Logs, CloudTrail, ECR) answer these as client errors, 400.
            return json.WriteErrorAsync(context, new AwsJsonError(type, message, httpStatus == StatusCodes.Status403Forbidden ? StatusCodes.Status400BadRequest : httpStatus));
        }

        if (CloudWatch.CloudWatchProtocol.IsJsonRequest(request))
        {
            return CloudWatch.CloudWatchEndpoints.WriteJsonErrorAsync(context, queryCode, type, message, httpStatus);
        }

        if (CloudWatch.CloudWatchProtocol.IsCborRequest(request))
        {
            return CloudWatch.CloudWatchEndpoints.WriteCborErrorAsync(context, queryCode, type, message, httpStatus);
        }

        if (QueryServices.IsForm(request))
        {
            return WriteQueryAsync(context, queryCode, httpStatus, message);
        }

        return AwsErrorMiddleware.WriteAsync(context, new LambdaException(type, httpStatus, message));
    }

    private static AwsJsonProtocol? JsonProtocol(HttpRequest request) =>
        Logs.LogsProtocol.Json.IsRequest(request) ? Logs.LogsProtocol.Json
        : CloudTrail.CloudTrailProtocol.Json.IsRequest(request) ? CloudTrail.CloudTrailProtocol.Json
        : Ecr.EcrEndpointMiddleware.Json.IsRequest(request) ? Ecr.EcrEndpointMiddleware.Json
        : null;

    /// <summary>AWS's error type (JSON protocols), query-protocol code and HTTP status for each failure.</summary>
    public static (string Type, string QueryCode, int Status) Describe(SignatureStatus status) => status switch
    {
        SignatureStatus.Missing => ("MissingAuthenticationTokenException", "MissingAuthenticationToken", StatusCodes.Status403Forbidden),
        SignatureStatus.Incomplete => ("IncompleteSignatureException", "IncompleteSignature", StatusCodes.Status400BadRequest),
        SignatureStatus.UnknownKey => ("UnrecognizedClientException", "InvalidClientTokenId", StatusCodes.Status403Forbidden),
        SignatureStatus.ExpiredToken => ("ExpiredTokenException", "ExpiredToken", StatusCodes.Status403Forbidden),

        // Only S3 documents aws-chunked bodies and their errors; its codes stand for every protocol.
        SignatureStatus.IncompleteBody => ("IncompleteBody", "IncompleteBody", StatusCodes.Status400BadRequest),
        SignatureStatus.MissingContentLength => ("MissingContentLength", "MissingContentLength", StatusCodes.Status411LengthRequired),
        _ => ("InvalidSignatureException", "SignatureDoesNotMatch", StatusCodes.Status403Forbidden),
    };

    private static async Task WriteSqsJsonAsync(HttpContext context, string type, string queryCode, int status, string message)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/x-amz-json-1.0";
        response.Headers["x-amzn-query-error"] = $"{queryCode};Sender";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("__type", "com.amazon.coral.service#" + type);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static async Task WriteQueryAsync(HttpContext context, string queryCode, int status, string message)
    {
        var xml = new StringBuilder(256);
        var xmlNamespace = QueryServices.SigningService(context) switch
        {
            QueryServices.Iam => QueryServices.IamNamespace,
            QueryServices.Sts => QueryServices.StsNamespace,
            QueryServices.Monitoring => CloudWatch.CloudWatchProtocol.XmlNamespace,
            _ => QueueEndpoints.XmlNamespace,
        };
        xml.Append("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"").Append(xmlNamespace).Append("\"><Error><Type>Sender</Type><Code>");
        XmlText.Escape(xml, queryCode);
        xml.Append("</Code><Message>");
        XmlText.Escape(xml, message);
        xml.Append("</Message><Detail/></Error><RequestId>")
            .Append(AwsErrorMiddleware.RequestIdOf(context))
            .Append("</RequestId></ErrorResponse>");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(xml.ToString(), context.RequestAborted);
    }
}
