// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Functions;
using Nimbus.Execution.Logs;
using Nimbus.TestKit;
using static Nimbus.Execution.Tests.TestFunctions;

namespace Nimbus.Execution.Tests.Logs;

/// <summary>The platform's lines in a function's LoggingConfig format: AWS's text lines, or its JSON system records by level.</summary>
public sealed class PlatformLogTests
{
    private const string Id = "8f5d2a9e-1111-2222-3333-444455556666";
    private static readonly DateTimeOffset At = new(2026, 12, 3, 8, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void TextFormat_IsAwssLines()
    {
        var function = Function();

        Assert.Equal($"START RequestId: {Id} Version: $LATEST", PlatformLog.Start(function, Id, At));
        Assert.Equal($"END RequestId: {Id}", PlatformLog.End(function, Id, At, "success"));
        Assert.Equal(
            $"REPORT RequestId: {Id}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 200.00 ms\t",
            PlatformLog.Report(function, Id, At, TimeSpan.FromMilliseconds(12.345), 40, TimeSpan.FromMilliseconds(200), "success", null));
        Assert.EndsWith("Status: timeout", PlatformLog.Report(function, Id, At, TimeSpan.FromSeconds(3), 40, null, "timeout", "Sandbox.Timedout"), StringComparison.Ordinal);
        Assert.EndsWith("Status: error\tError Type: Runtime.ExitError", PlatformLog.Report(function, Id, At, TimeSpan.FromSeconds(3), 40, null, "error", "Runtime.ExitError"), StringComparison.Ordinal);
    }

    [Fact]
    public void TextFormat_StartAndEnd_AllocateOnlyTheirLines()
    {
        // They run on every invoke: each allocates its line and nothing else (a JSON record's lambda is made only for
        // JSON; once its captures were allocated where each method begins, for text lines too). REPORT had the same
        // fault and the same fix, but is not measured here: it formats numbers through the generic
        // AppendFormatted<T>, which boxes each value until the JIT has optimized that instantiation (120 bytes per
        // REPORT in one CI run beside other test assemblies, none alone), so its count depends on the JIT's progress.
        var function = Function();
        var lines = new[]
        {
            (Line: PlatformLog.Start(function, Id, At)!, Make: (Action)(() => PlatformLog.Start(function, Id, At))),
            (Line: PlatformLog.End(function, Id, At, "success")!, Make: () => PlatformLog.End(function, Id, At, "success")),
        };

        // 20 calls a round, the least of 5 rounds: what the runtime allocates once on a calling thread (a tiering
        // worker started) is not counted; a per-call object is.
        foreach (var (line, make) in lines)
        {
            var length = line.Length;
            for (var i = 0; i < 50; i++)
            {
                make();
            }

            var strings = Allocations.LeastOf(() => Repeat(() => _ = new string('x', length)), rounds: 5);
            Assert.Equal(strings, Allocations.LeastOf(() => Repeat(make), rounds: 5));
        }
    }

    private static void Repeat(Action body)
    {
        for (var i = 0; i < 20; i++)
        {
            body();
        }
    }

    [Fact]
    public void JsonFormat_WritesAwssSystemRecords()
    {
        var function = Json("INFO");

        using var start = JsonDocument.Parse(PlatformLog.Start(function, Id, At)!);
        using var report = JsonDocument.Parse(PlatformLog.Report(function, Id, At, TimeSpan.FromMilliseconds(12.3456), 40, TimeSpan.FromMilliseconds(200.5), "error", "Runtime.ExitError")!);

        Assert.Equal("2026-12-03T08:00:00.123Z", start.RootElement.GetProperty("time").GetString());
        Assert.Equal("platform.start", start.RootElement.GetProperty("type").GetString());
        Assert.Equal(Id, start.RootElement.GetProperty("record").GetProperty("requestId").GetString());
        Assert.Equal("$LATEST", start.RootElement.GetProperty("record").GetProperty("version").GetString());
        var record = report.RootElement.GetProperty("record");
        Assert.Equal("platform.report", report.RootElement.GetProperty("type").GetString());
        Assert.Equal(12.346, record.GetProperty("metrics").GetProperty("durationMs").GetDouble());
        Assert.Equal(13, record.GetProperty("metrics").GetProperty("billedDurationMs").GetInt64());
        Assert.Equal(128, record.GetProperty("metrics").GetProperty("memorySizeMB").GetInt32());
        Assert.Equal(40, record.GetProperty("metrics").GetProperty("maxMemoryUsedMB").GetInt64());
        Assert.Equal(200.5, record.GetProperty("metrics").GetProperty("initDurationMs").GetDouble());
        Assert.Equal("error", record.GetProperty("status").GetString());
        Assert.Equal("Runtime.ExitError", record.GetProperty("errorType").GetString());
        Assert.Null(PlatformLog.End(function, Id, At, "success")); // runtimeDone is a DEBUG record
    }

    [Theory]
    [InlineData("DEBUG", true, true)]
    [InlineData("INFO", true, false)]
    [InlineData("WARN", false, false)]
    public void JsonFormat_SystemLogLevel_FiltersAtTheSource(string level, bool infoRecords, bool debugRecords)
    {
        var function = Json(level);

        Assert.Equal(infoRecords, PlatformLog.Start(function, Id, At) is not null);
        Assert.Equal(infoRecords, PlatformLog.Report(function, Id, At, TimeSpan.FromMilliseconds(1), 1, null, "success", null) is not null);
        Assert.Equal(debugRecords, PlatformLog.End(function, Id, At, "success") is not null);
    }

    private static FunctionVersion Json(string systemLevel) =>
        Function() with { Logging = new LoggingSettings { LogFormat = "JSON", ApplicationLogLevel = "INFO", SystemLogLevel = systemLevel, LogGroup = "/aws/lambda/my-function" } };
}
