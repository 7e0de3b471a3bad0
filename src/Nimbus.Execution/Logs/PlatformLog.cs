// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Nimbus.Core.Functions;

namespace Nimbus.Execution.Logs;

/// <summary>
/// The platform's own log lines, in the function's LoggingConfig format. Text: <c>START RequestId: … Version: …</c>,
/// <c>END RequestId: …</c>, <c>REPORT RequestId: …</c>. JSON: AWS's system log records
/// (<c>{"time": …, "type": "platform.start", "record": {…}}</c>, <c>platform.runtimeDone</c>, <c>platform.report</c>),
/// each written only when its level (INFO; runtimeDone DEBUG, as in AWS's table of system log levels) is at or above
/// the function's SystemLogLevel.
/// </summary>
internal static class PlatformLog
{
    private static readonly string[] s_levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

    public static string? Start(FunctionVersion function, string requestId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!IsJson(function))
        {
            return $"START RequestId: {requestId} Version: {function.Version}";
        }

        return Enabled(function, "INFO") ? StartRecord(function, requestId, now) : null;
    }

    // Each record's lambda is made in a method of its own: captured parameters are allocated where their method
    // begins, so in Start itself they would cost every text-format invoke an object.
    private static string StartRecord(FunctionVersion function, string requestId, DateTimeOffset now) =>
        Record(now, "platform.start", json =>
        {
            json.WriteString("requestId", requestId);
            json.WriteString("version", function.Version);
        });

    public static string? End(FunctionVersion function, string requestId, DateTimeOffset now, string status)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!IsJson(function))
        {
            return $"END RequestId: {requestId}";
        }

        return Enabled(function, "DEBUG") ? EndRecord(requestId, now, status) : null;
    }

    private static string EndRecord(string requestId, DateTimeOffset now, string status) =>
        Record(now, "platform.runtimeDone", json =>
        {
            json.WriteString("requestId", requestId);
            json.WriteString("status", status);
        });

    /// <summary>The REPORT line; <paramref name="status"/> is success, error or timeout.</summary>
    public static string? Report(
        FunctionVersion function,
        string requestId,
        DateTimeOffset now,
        TimeSpan duration,
        long maxMemoryUsedMb,
        TimeSpan? initDuration,
        string status,
        string? errorType,
        bool restored = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        var billed = Math.Max(1, (long)Math.Ceiling(duration.TotalMilliseconds));
        if (IsJson(function))
        {
            return Enabled(function, "INFO") ? ReportRecord(function, requestId, now, duration, billed, maxMemoryUsedMb, initDuration, status, errorType, restored) : null;
        }

        // Built on the stack: the finished line is this method's only allocation (it runs once per invoke).
        var report = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[512]);
        report.AppendLiteral("REPORT RequestId: ");
        report.AppendFormatted(requestId);
        report.AppendLiteral("\tDuration: ");
        report.AppendFormatted(duration.TotalMilliseconds, "0.00");
        report.AppendLiteral(" ms\tBilled Duration: ");
        report.AppendFormatted(billed);
        report.AppendLiteral(" ms\tMemory Size: ");
        report.AppendFormatted(function.MemorySize);
        report.AppendLiteral(" MB\tMax Memory Used: ");
        report.AppendFormatted(maxMemoryUsedMb);
        report.AppendLiteral(" MB\t");
        if (initDuration is { } init && restored)
        {
            // AWS bills a restore (Python and .NET SnapStart): both appear on the REPORT line of a restored environment.
            report.AppendLiteral("Restore Duration: ");
            report.AppendFormatted(init.TotalMilliseconds, "0.00");
            report.AppendLiteral(" ms\tBilled Restore Duration: ");
            report.AppendFormatted(Math.Max(1, (long)Math.Ceiling(init.TotalMilliseconds)));
            report.AppendLiteral(" ms\t");
        }
        else if (initDuration is { } initText)
        {
            report.AppendLiteral("Init Duration: ");
            report.AppendFormatted(initText.TotalMilliseconds, "0.00");
            report.AppendLiteral(" ms\t");
        }

        if (status == "timeout")
        {
            report.AppendLiteral("Status: timeout");
        }
        else if (errorType is not null)
        {
            report.AppendLiteral("Status: error\tError Type: ");
            report.AppendFormatted(errorType);
        }

        return report.ToStringAndClear();
    }

    private static string ReportRecord(
        FunctionVersion function,
        string requestId,
        DateTimeOffset now,
        TimeSpan duration,
        long billed,
        long maxMemoryUsedMb,
        TimeSpan? initDuration,
        string status,
        string? errorType,
        bool restored) =>
        Record(now, "platform.report", json =>
        {
            json.WriteString("requestId", requestId);
            json.WriteStartObject("metrics");
            json.WriteNumber("durationMs", Math.Round(duration.TotalMilliseconds, 3));
            json.WriteNumber("billedDurationMs", billed);
            json.WriteNumber("memorySizeMB", function.MemorySize);
            json.WriteNumber("maxMemoryUsedMB", maxMemoryUsedMb);
            if (initDuration is { } init)
            {
                json.WriteNumber(restored ? "restoreDurationMs" : "initDurationMs", Math.Round(init.TotalMilliseconds, 3));
            }

            json.WriteEndObject();
            json.WriteString("status", status);
            if (errorType is not null)
            {
                json.WriteString("errorType", errorType);
            }
        });

    private static bool IsJson(FunctionVersion function) => function.Logging.LogFormat == "JSON";

    private static bool Enabled(FunctionVersion function, string level)
    {
        var minimum = Array.IndexOf(s_levels, function.Logging.SystemLogLevel ?? "INFO");
        return Array.IndexOf(s_levels, level) >= Math.Max(minimum, 0);
    }

    private static string Record(DateTimeOffset now, string type, Action<Utf8JsonWriter> writeRecord)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("type", type);
            json.WriteStartObject("record");
            writeRecord(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
