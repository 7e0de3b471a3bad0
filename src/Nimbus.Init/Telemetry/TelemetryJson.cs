// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Nimbus.Init.Telemetry;

/// <summary>Writes Telemetry API events (schema 2022-12-13, telemetry-schema-reference.md) without reflection.</summary>
internal static class TelemetryJson
{
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An event whose record is an object written by <paramref name="record"/>.</summary>
    public static byte[] Event<TState>(DateTimeOffset time, string type, TState state, Action<Utf8JsonWriter, TState> record)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("time", Time(time));
            writer.WriteString("type", type);
            writer.WritePropertyName("record");
            writer.WriteStartObject();
            record(writer, state);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A log line: <c>{"time","type":"function"|"extension","record":"line"}</c>.</summary>
    public static byte[] Line(DateTimeOffset time, string type, string line)
    {
        var buffer = new ArrayBufferWriter<byte>(line.Length + 80);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("time", Time(time));
            writer.WriteString("type", type);
            writer.WriteString("record", line);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A span: <c>{"name","start","durationMs"}</c>.</summary>
    public static void Span(Utf8JsonWriter writer, string name, DateTimeOffset start, double durationMs)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("start", Time(start));
        writer.WriteNumber("durationMs", Math.Round(durationMs, 3));
        writer.WriteEndObject();
    }

    /// <summary>The tracing context of an invocation with an X-Ray header.</summary>
    public static void Tracing(Utf8JsonWriter writer, string? traceId)
    {
        if (string.IsNullOrEmpty(traceId))
        {
            return;
        }

        writer.WriteStartObject("tracing");
        writer.WriteString("type", "X-Amzn-Trace-Id");
        writer.WriteString("value", traceId);
        writer.WriteEndObject();
    }
}
