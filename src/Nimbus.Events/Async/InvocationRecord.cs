// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text.Json;
using Nimbus.Execution.Invocation;

namespace Nimbus.Events.Async;

/// <summary>
/// The JSON document AWS sends to an asynchronous invocation's destination: version, timestamp, requestContext
/// (requestId, functionArn, condition, approximateInvokeCount), requestPayload and, once the function ran,
/// responseContext (statusCode, executedVersion, functionError) and responsePayload.
/// </summary>
internal static class InvocationRecord
{
    public const string Success = "Success";
    public const string RetriesExhausted = "RetriesExhausted";
    public const string EventAgeExceeded = "EventAgeExceeded";

    /// <summary>Nimbus's condition for an event stopped by recursive-loop detection (AWS documents none).</summary>
    public const string RecursiveLoop = "RecursiveLoopDetected";

    public static byte[] Build(
        string requestId,
        string functionArn,
        string condition,
        int approximateInvokeCount,
        ReadOnlyMemory<byte> requestPayload,
        InvocationResult? result,
        DateTimeOffset timestamp)
    {
        var buffer = new ArrayBufferWriter<byte>(512 + requestPayload.Length + (result?.Payload.Length ?? 0));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version"u8, "1.0");
            json.WriteString("timestamp"u8, timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartObject("requestContext"u8);
            json.WriteString("requestId"u8, requestId);
            json.WriteString("functionArn"u8, functionArn);
            json.WriteString("condition"u8, condition);
            json.WriteNumber("approximateInvokeCount"u8, approximateInvokeCount);
            json.WriteEndObject();
            json.WritePropertyName("requestPayload"u8);
            WritePayload(json, requestPayload);
            if (result is not null)
            {
                json.WriteStartObject("responseContext"u8);
                json.WriteNumber("statusCode"u8, 200);
                json.WriteString("executedVersion"u8, result.ExecutedVersion);
                if (result.FunctionError is { } error)
                {
                    json.WriteString("functionError"u8, error);
                }

                json.WriteEndObject();
                json.WritePropertyName("responsePayload"u8);
                WritePayload(json, result.Payload);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A payload as JSON when it is JSON (events and results almost always are), else as a string; null when empty.</summary>
    private static void WritePayload(Utf8JsonWriter json, ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty)
        {
            json.WriteNullValue();
            return;
        }

        var reader = new Utf8JsonReader(payload.Span);
        try
        {
            if (reader.Read() && reader.TrySkip() && !reader.Read())
            {
                json.WriteRawValue(payload.Span, skipInputValidation: true);
                return;
            }
        }
        catch (JsonException)
        {
            // Not JSON: sent as a string below.
        }

        json.WriteStringValue(System.Text.Encoding.UTF8.GetString(payload.Span));
    }
}
