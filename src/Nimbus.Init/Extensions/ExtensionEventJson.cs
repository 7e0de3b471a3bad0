// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.Extensions;

/// <summary>The bodies of /extension/event/next (AWS's extensions API page: EventInvoke, EventShutdown).</summary>
internal static class ExtensionEventJson
{
    public static byte[] Invoke(Frame invoke)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("eventType", "INVOKE");
            writer.WriteNumber("deadlineMs", long.TryParse(invoke.Header(FrameHeaders.DeadlineMs), NumberStyles.None, CultureInfo.InvariantCulture, out var deadline) ? deadline : 0);
            writer.WriteString("requestId", invoke.Header(FrameHeaders.RequestId));
            writer.WriteString("invokedFunctionArn", invoke.Header(FrameHeaders.FunctionArn));
            writer.WriteStartObject("tracing");
            writer.WriteString("type", "X-Amzn-Trace-Id");
            writer.WriteString("value", invoke.Header(FrameHeaders.TraceId) ?? "");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Shutdown(string reason, long deadlineMs)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("eventType", "SHUTDOWN");
            writer.WriteString("shutdownReason", reason);
            writer.WriteNumber("deadlineMs", deadlineMs);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
