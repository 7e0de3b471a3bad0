// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.Logs;

/// <summary>CloudWatch Logs' wire protocol: AWS JSON 1.1, <c>X-Amz-Target: Logs_20140328.{Operation}</c>.</summary>
internal static class LogsProtocol
{
    public const string TargetPrefix = "Logs_20140328.";
    public const string ContentType = "application/x-amz-json-1.1";
    public const string SigningName = "logs";

    public static bool IsLogsRequest(HttpRequest request) =>
        request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    /// <summary>An error as AWS JSON 1.1 answers it: <c>{"__type": type, "message": text}</c>.</summary>
    public static async Task WriteErrorAsync(HttpContext context, string type, string message, int status)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        Audit.AuditEntry.NoteError(context, type, message);
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
