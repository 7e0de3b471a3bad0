// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Audit;

namespace Nimbus.Api.CloudTrail;

/// <summary>CloudTrail's wire protocol: AWS JSON 1.1, <c>X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.{Operation}</c>.</summary>
internal static class CloudTrailProtocol
{
    public const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    public const string ContentType = "application/x-amz-json-1.1";

    public static bool IsCloudTrailRequest(HttpRequest request) =>
        request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    /// <summary>An error as AWS JSON 1.1 answers it: <c>{"__type": type, "message": text}</c>, 400 for client errors.</summary>
    public static async Task WriteErrorAsync(HttpContext context, string type, string message, int status = StatusCodes.Status400BadRequest)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        AuditEntry.NoteError(context, type, message);
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.Headers["x-amzn-ErrorType"] = type;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("__type", type);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
