// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Logs;

namespace Nimbus.Execution.Invocation;

/// <summary>An invocation's answer and its log: the result, the error AWS gives for each failure, START/END/REPORT.</summary>
public sealed partial class Invoker
{
    /// <summary>
    /// The Invoke API's own error when a restored environment's restore phase failed, as AWS answers it: an
    /// after-restore hook that raised (its InitError) or a restore past the init limit. Null for other failures (a
    /// runtime that exited), which are answered as a failed init is.
    /// </summary>
    private static LambdaException? RestoreFailure(ExecutionEnvironment environment, RuntimeOutcome outcome) =>
        !environment.Restored ? null : outcome.Kind switch
        {
            OutcomeKind.InitError => SnapStart.AfterRestoreFailed(),
            OutcomeKind.Timeout => SnapStart.RestoreTimedOut(),
            _ => null,
        };

    private InvocationResult InitFailure(InvocationRequest request, RuntimeOutcome outcome, List<string> lines, TimeSpan initDuration, ExecutionEnvironment environment)
    {
        var (payload, errorType, message) = ErrorPayload(request, outcome, environment);
        var now = _time.GetUtcNow();
        AddLine(lines, PlatformLog.Start(request.Function, request.RequestId.Value, now));
        if (message is not null)
        {
            lines.Add(message);
        }

        AddLine(lines, PlatformLog.End(request.Function, request.RequestId.Value, now, "error"));
        AddLine(lines, Report(request, TimeSpan.Zero, initDuration, environment, errorType));
        Persist(request, environment, lines);
        return new InvocationResult
        {
            Payload = payload,
            FunctionError = "Unhandled",
            ErrorType = errorType,
            ExecutedVersion = request.Function.Version,
            LogLines = lines,
            ColdStart = true,
        };
    }

    private InvocationResult Complete(
        InvocationRequest request,
        RuntimeOutcome outcome,
        List<string> lines,
        TimeSpan duration,
        TimeSpan? initDuration,
        ExecutionEnvironment environment,
        bool cold,
        int provisionedConfigured,
        bool report = true)
    {
        ReadOnlyMemory<byte> payload;
        string? functionError = null;
        string? errorType = null;
        if (outcome.Kind == OutcomeKind.Success)
        {
            payload = outcome.Body;
        }
        else
        {
            (payload, errorType, var message) = ErrorPayload(request, outcome, environment);
            functionError = "Unhandled";
            if (message is not null)
            {
                lines.Add(message);
            }
        }

        var reportedError = outcome.Kind == OutcomeKind.FunctionError ? null : errorType;
        if (report)
        {
            AddLine(lines, PlatformLog.End(request.Function, request.RequestId.Value, _time.GetUtcNow(), Status(outcome.Kind == OutcomeKind.FunctionError ? "Function" : reportedError)));
            AddLine(lines, Report(request, duration, initDuration, environment, reportedError));
        }

        Persist(request, environment, lines);
        return new InvocationResult
        {
            Payload = payload,
            ContentType = outcome.ContentType ?? "application/json",
            FunctionError = functionError,
            ErrorType = errorType,
            ExecutedVersion = request.Function.Version,
            LogLines = lines,
            ColdStart = cold,
            Streamed = outcome.Streamed,
            Duration = duration,
            Provisioned = environment.Provisioned,
            ProvisionedConfigured = provisionedConfigured,
        };
    }

    /// <summary>The error JSON AWS answers with, its type, and the platform line it writes to the log (if any).</summary>
    private (ReadOnlyMemory<byte> Payload, string ErrorType, string? LogLine) ErrorPayload(InvocationRequest request, RuntimeOutcome outcome, ExecutionEnvironment environment)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.FunctionError:
            case OutcomeKind.InitError:
                return (outcome.Body, outcome.ErrorType ?? "Runtime.Unknown", null);
            case OutcomeKind.Timeout:
                var seconds = request.Function.Timeout.ToString("0.00", CultureInfo.InvariantCulture);
                var timeout = $"Task timed out after {seconds} seconds";
                var stamp = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                return (ErrorJson("Sandbox.Timedout", $"RequestId: {request.RequestId} Error: {timeout}"), "Sandbox.Timedout", $"{stamp} {request.RequestId} {timeout}");
            case OutcomeKind.Exited when outcome.ErrorType is { } extensionError:
                // An extension failed (Extension.Crash, Extension.ExitError ...): the environment is reset.
                var failure = outcome.ExitDescription ?? "Extension exited";
                return (ErrorJson(extensionError, $"RequestId: {request.RequestId} Error: {failure}"), extensionError, $"RequestId: {request.RequestId} Error: {failure}");
            case OutcomeKind.Exited when environment.OutOfMemory():
                // The kernel killed the runtime at the sandbox's memory limit.
                var killed = "Runtime exited with error: signal: killed";
                return (ErrorJson("Runtime.OutOfMemory", $"RequestId: {request.RequestId} Error: {killed}"), "Runtime.OutOfMemory", $"RequestId: {request.RequestId} Error: {killed}");
            default:
                var exit = outcome.ExitDescription ?? "Runtime exited without providing a reason";
                return (ErrorJson("Runtime.ExitError", $"RequestId: {request.RequestId} Error: {exit}"), "Runtime.ExitError", $"RequestId: {request.RequestId} Error: {exit}");
        }
    }

    private static ReadOnlyMemory<byte> ErrorJson(string type, string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorType", type);
            writer.WriteString("errorMessage", message);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private string? Report(InvocationRequest request, TimeSpan duration, TimeSpan? initDuration, ExecutionEnvironment environment, string? errorType)
    {
        var peak = environment.PeakMemoryBytes();
        var usedMb = peak is { } bytes ? (long)Math.Ceiling(bytes / (1024.0 * 1024.0)) : 0;
        return PlatformLog.Report(request.Function, request.RequestId.Value, _time.GetUtcNow(), duration, usedMb, initDuration, Status(errorType), errorType, environment.Restored);
    }

    /// <summary>The status of a REPORT record: success, timeout, or error (any other failure).</summary>
    private static string Status(string? errorType) => errorType switch
    {
        null => "success",
        "Sandbox.Timedout" => "timeout",
        _ => "error",
    };

    private static void AddLine(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Add(line);
        }
    }

    /// <summary>What an environment wrote after its last invocation (its extensions' shutdown) goes to its log stream.</summary>
    private void PersistLeftovers(ExecutionEnvironment environment)
    {
        // Only extensions print after the last invocation (their SHUTDOWN phase). Without them the output left is an
        // invocation's that was cut short, which its invoker writes between its START and END lines.
        if (environment.Owner is { } owner && environment.HasExtensions)
        {
            Persist(owner.Scope, owner.Function, environment, environment.Output.Drain());
        }
    }

    private void Persist(InvocationRequest request, ExecutionEnvironment environment, List<string> lines) =>
        Persist(request.Scope, request.Function, environment, lines);

    private void Persist(Scope scope, FunctionVersion function, ExecutionEnvironment environment, List<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var events = new LogEvent[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            events[i] = new LogEvent(now, lines[i]);
        }

        _logs.Write(scope, function.Logging.LogGroup, environment.LogStreamName, events);
    }
}
