// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text.Json;

namespace Nimbus.Events.Mappings;

/// <summary>AWS's SQS event for Lambda: <c>{"Records": [...]}</c>, one record per message, built without reflection.</summary>
internal static class SqsEvent
{
    // Bodies go to the function as UTF-8, as AWS sends them, not as \uXXXX escapes (six bytes per character), which
    // also keeps the 6 MB batch budget a count of UTF-8 bytes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One record: messageId, receiptHandle, body, attributes, messageAttributes, md5s, eventSource, eventSourceARN, awsRegion.</summary>
    public static byte[] Record(SourceMessage message, string eventSourceArn, string region)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (message.Body.Length * 2));
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("messageId"u8, message.MessageId);
            json.WriteString("receiptHandle"u8, message.ReceiptHandle);
            json.WriteString("body"u8, message.Body);
            json.WriteStartObject("attributes"u8);
            foreach (var (name, value) in message.Attributes)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteStartObject("messageAttributes"u8);
            foreach (var attribute in message.MessageAttributes)
            {
                json.WriteStartObject(attribute.Name);
                if (attribute.StringValue is { } text)
                {
                    json.WriteString("stringValue"u8, text);
                }

                if (attribute.BinaryValue is { } binary)
                {
                    json.WriteBase64String("binaryValue"u8, binary);
                }

                json.WriteStartArray("stringListValues"u8);
                json.WriteEndArray();
                json.WriteStartArray("binaryListValues"u8);
                json.WriteEndArray();
                json.WriteString("dataType"u8, attribute.DataType);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteString("md5OfBody"u8, message.Md5OfBody);
            if (message.Md5OfMessageAttributes is { } md5)
            {
                json.WriteString("md5OfMessageAttributes"u8, md5);
            }

            json.WriteString("eventSource"u8, "aws:sqs");
            json.WriteString("eventSourceARN"u8, eventSourceArn);
            json.WriteString("awsRegion"u8, region);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The event of a batch: the records, in order, in <c>{"Records": [...]}</c>.</summary>
    public static byte[] Batch(IReadOnlyList<byte[]> records)
    {
        var length = 14;
        foreach (var record in records)
        {
            length += record.Length + 1;
        }

        var payload = new byte[length];
        var span = payload.AsSpan();
        "{\"Records\":["u8.CopyTo(span);
        var at = 12;
        for (var i = 0; i < records.Count; i++)
        {
            if (i > 0)
            {
                span[at++] = (byte)',';
            }

            records[i].CopyTo(span[at..]);
            at += records[i].Length;
        }

        "]}"u8.CopyTo(span[at..]);
        return payload[..(at + 2)];
    }
}
