// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Init.Telemetry;

namespace Nimbus.Init.Extensions;

/// <summary>
/// The Telemetry API's events for the phase before the first invocation: init (platform.initStart,
/// platform.initRuntimeDone, platform.initReport), or, in an environment restored from a SnapStart snapshot, restore
/// (platform.restoreStart, platform.restoreRuntimeDone, platform.restoreReport: the init events were the snapshot's).
/// </summary>
internal sealed partial class ExtensionSupervisor
{
    /// <summary>AWS_LAMBDA_INITIALIZATION_TYPE of an environment restored from a snapshot.</summary>
    private const string SnapStart = "snap-start";

    /// <summary>
    /// The phase is a restore: in an environment restored from a template, the whole phase before the first invocation;
    /// in a pre-initialized spare, only the phase from its take (<see cref="RestoreStarted"/>): its init was an init.
    /// </summary>
    private bool Restored => _function.InitializationType == SnapStart && (!_spare || _restoring);

    /// <summary>A pre-initialized SnapStart spare was taken: platform.restoreStart; the restore's duration counts from now.</summary>
    public void RestoreStarted()
    {
        _restoring = true;
        _initStarted = _time.GetTimestamp();
        _initStartedAt = _time.GetUtcNow();
        PhaseStarted();
    }

    private void PhaseStarted()
    {
        if (Restored)
        {
            Telemetry.Platform("platform.restoreStart", _function, static (writer, f) =>
            {
                writer.WriteString("functionName", f.Name);
                writer.WriteString("functionVersion", f.Version);
            });
            return;
        }

        Telemetry.Platform("platform.initStart", _function, static (writer, f) =>
        {
            writer.WriteString("initializationType", f.InitializationType);
            writer.WriteString("phase", "init");
            writer.WriteString("functionName", f.Name);
            writer.WriteString("functionVersion", f.Version);
        });
    }

    private void InitReport(string status, string? errorType)
    {
        var duration = _time.GetElapsedTime(_initStarted).TotalMilliseconds;
        _initDurationMs = duration;
        if (Restored)
        {
            RestoreReport(status, errorType, duration);
            return;
        }

        var state = (_function.InitializationType, status, errorType, duration, _initStartedAt);
        Telemetry.Platform("platform.initRuntimeDone", state, static (writer, s) =>
        {
            writer.WriteString("initializationType", s.InitializationType);
            writer.WriteString("phase", "init");
            WriteStatus(writer, s.status, s.errorType);
        });
        Telemetry.Platform("platform.initReport", state, static (writer, s) =>
        {
            writer.WriteString("initializationType", s.InitializationType);
            writer.WriteString("phase", "init");
            WriteStatus(writer, s.status, s.errorType);

            writer.WriteStartObject("metrics");
            writer.WriteNumber("durationMs", Math.Round(s.duration, 3));
            writer.WriteEndObject();
            writer.WriteStartArray("spans");
            TelemetryJson.Span(writer, "initRuntime", s._initStartedAt, s.duration);
            writer.WriteEndArray();
        });
    }

    /// <summary>
    /// The restore phase ended: status and errorType as the emulator's RestoreRuntimeDoneData; the report's metrics are
    /// RestoreReportMetrics (durationMs). No spans: AWS's span names for a restore are not known here.
    /// </summary>
    private void RestoreReport(string status, string? errorType, double duration)
    {
        var state = (status, errorType, duration);
        Telemetry.Platform("platform.restoreRuntimeDone", state, static (writer, s) =>
        {
            WriteStatus(writer, s.status, s.errorType);
        });
        Telemetry.Platform("platform.restoreReport", state, static (writer, s) =>
        {
            WriteStatus(writer, s.status, s.errorType);

            writer.WriteStartObject("metrics");
            writer.WriteNumber("durationMs", Math.Round(s.duration, 3));
            writer.WriteEndObject();
        });
    }

    /// <summary>A phase's outcome as its events carry it: status, and errorType when it failed.</summary>
    private static void WriteStatus(Utf8JsonWriter writer, string status, string? errorType)
    {
        writer.WriteString("status", status);
        if (errorType is not null)
        {
            writer.WriteString("errorType", errorType);
        }
    }
}
