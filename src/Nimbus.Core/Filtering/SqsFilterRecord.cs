// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text.Json;

namespace Nimbus.Core.Filtering;

/// <summary>
/// Builds the record Lambda filters an SQS message on: the message record as the function would receive it
/// (<c>messageId</c>, <c>body</c>, <c>attributes</c>, <c>messageAttributes</c>, ...) with <c>body</c> parsed when it
/// is valid JSON and left a string otherwise. So <c>{"body": {"k": ["v"]}}</c> matches only JSON bodies and
/// <c>{"body": ["text"]}</c> only plain ones, the format check of
/// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html (a mismatch drops the message).
/// </summary>
public static class SqsFilterRecord
{
    /// <summary>Writes <paramref name="record"/> to <paramref name="writer"/> with its <c>body</c> parsed if JSON.</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (record.ValueKind != JsonValueKind.Object)
        {
            record.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var property in record.EnumerateObject())
        {
            if (property.NameEquals("body") && property.Value.ValueKind == JsonValueKind.String &&
                TryParseJson(property.Value.GetString()!, out var body)) // a String element always has a string
            {
                using (body)
                {
                    writer.WritePropertyName(property.Name);
                    body.RootElement.WriteTo(writer);
                }
            }
            else
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The record to filter on, as a document the caller disposes.</summary>
    public static JsonDocument Create(JsonElement record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, record);
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    /// <summary>Whether an SQS body is valid JSON, which Lambda then filters on as JSON.</summary>
    public static bool IsJson(string body) => TryParseJson(body, out var document) && Dispose(document);

    private static bool Dispose(JsonDocument document)
    {
        document.Dispose();
        return true;
    }

    private static bool TryParseJson(string body, out JsonDocument document)
    {
        document = null!; // only read when true is returned
        var text = body.AsSpan().TrimStart();

        // Most plain-text bodies fail on their first character; spare them the parser's exception.
        if (text.IsEmpty || text[0] is not ('{' or '[' or '"' or '-' or (>= '0' and <= '9') or 't' or 'f' or 'n'))
        {
            return false;
        }

        try
        {
            document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
