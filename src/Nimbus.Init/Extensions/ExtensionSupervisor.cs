// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Nimbus.Init.Host;
using Nimbus.Init.Protocol;
using Nimbus.Init.Runtime;
using Nimbus.Init.Telemetry;

namespace Nimbus.Init.Extensions;

/// <summary>
/// The extensions' side of the environment's lifecycle (AWS's extensions API page): launches the external
/// extensions before the runtime and waits for their registration, ends the init phase only when every extension
/// waits for its first event, hands INVOKE and SHUTDOWN events out, reports the post-invoke phase's end and any
/// extension failure to the host, and emits the Telemetry API's platform events on the way.
/// </summary>
internal sealed partial class ExtensionSupervisor : IDisposable
{
    private readonly RuntimeProcess _runtime;
    private readonly HostLink _host;
    private readonly CancellationToken _stopping;
    private readonly TimeProvider _time;
    private FunctionInfo _function = new("", "", "", "", "on-demand", 0);
    private long _initStarted;
    private DateTimeOffset _initStartedAt;
    private volatile bool _shuttingDown;
    private int _invokeExtensions = -1;

    // The invocation in progress (for platform.start/runtimeDone/report): written by the host reader, read later.
    private string? _requestId;
    private string? _traceId;
    private long _invokeStarted;
    private DateTimeOffset _invokeStartedAt;
    private long _answered;
    private double? _initDurationMs;

    // A pre-initialized SnapStart spare: its init phase ends at /runtime/restore/next, its restore phase at the first /next.
    private bool _spare;
    private volatile bool _restoring;
    private List<KeyValuePair<string, string>>? _readyHeaders;

    public ExtensionSupervisor(RuntimeProcess runtime, HostLink host, TimeProvider time, CancellationToken stopping)
    {
        _runtime = runtime;
        _host = host;
        _time = time;
        _stopping = stopping;
        Telemetry = new TelemetryHub(time);
        Registry.InvokeDone = OnInvokeDone;
    }

    public ExtensionRegistry Registry { get; } = new();

    public TelemetryHub Telemetry { get; }

    /// <summary>The function's identity for the register answer, from the runtime's environment.</summary>
    internal sealed record FunctionInfo(string Name, string Version, string Handler, string AccountId, string InitializationType, int MemoryMb);

    public FunctionInfo Function => _function;

    /// <summary>
    /// The init phase begins: platform.initStart; the external extensions start (at most ten) and register. True
    /// when the runtime may start; false when the init failed and the host was told.
    /// </summary>
    public async Task<bool> LaunchAsync(RuntimeStartInfo info)
    {
        _function = new FunctionInfo(
            info.Variable("AWS_LAMBDA_FUNCTION_NAME") ?? "",
            info.Variable("AWS_LAMBDA_FUNCTION_VERSION") ?? "",
            info.Variable("_HANDLER") ?? "",
            info.AccountId ?? "",
            info.Variable("AWS_LAMBDA_INITIALIZATION_TYPE") ?? "on-demand",
            int.TryParse(info.Variable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), NumberStyles.None, CultureInfo.InvariantCulture, out var memory) ? memory : 0);
        _spare = info.Spare;
        _initStarted = _time.GetTimestamp();
        _initStartedAt = _time.GetUtcNow();
        PhaseStarted();

        if (info.Extensions.Count == 0)
        {
            return true;
        }

        if (info.Extensions.Count > ExtensionErrors.MaxExtensions)
        {
            // RIE rapid/handlers.go: past the limit the launch fails with TooManyExtensions (message: its 403's).
            await InitFailedAsync("Extension.LaunchError", ExtensionErrors.TooMany.ErrorMessage);
            return false;
        }

        foreach (var path in info.Extensions)
        {
            var extension = Registry.AddExternal(Path.GetFileName(path));
            Task<RuntimeExit> exited;
            try
            {
                exited = _runtime.StartExtensionAsync(path, info);
            }
            catch (Exception e) when (e is RuntimeStartException or IOException)
            {
                await InitFailedAsync("Extension.LaunchError", $"{extension.Name}: {e.Message}");
                return false;
            }

            _ = WatchAsync(extension, exited);
        }

        await Registry.AllRegistered.WaitAsync(_stopping);
        return !Failed;
    }

    /// <summary>True once an extension failed: the environment is finished, the host was told.</summary>
    public bool Failed { get; private set; }

    /// <summary>
    /// The runtime asked for its first invocation: waits until every extension waits for its first event, closes
    /// registration, emits the init's platform events, and returns the Ready frame's headers.
    /// </summary>
    public async Task<List<KeyValuePair<string, string>>> InitDoneAsync(CancellationToken cancellationToken)
    {
        if (_readyHeaders is { } again)
        {
            // A spare's restore phase is over: registration closed when its init was.
            InitReport("success", null);
            return again;
        }

        _readyHeaders = await InitDoneCoreAsync(cancellationToken);
        return _readyHeaders;
    }

    private async Task<List<KeyValuePair<string, string>>> InitDoneCoreAsync(CancellationToken cancellationToken)
    {
        await Registry.AllReady.WaitAsync(cancellationToken);
        var (invoke, external, @internal) = Registry.Close();
        Volatile.Write(ref _invokeExtensions, invoke);
        var lines = new StringBuilder();
        foreach (var (name, events, state, errorType) in Registry.Describe())
        {
            // The line AWS writes to the function's log stream per extension (seen in CloudWatch; not in the docs here).
            lines.Append(CultureInfo.InvariantCulture, $"EXTENSION\tName: {name}\tState: {state}\tEvents: [{EventNames(events)}]\n");
            Telemetry.Platform("platform.extension", (name, events, state, errorType), static (writer, e) =>
            {
                writer.WriteString("name", e.name);
                writer.WriteString("state", e.state);
                writer.WriteStartArray("events");
                if ((e.events & ExtensionEvents.Invoke) != 0)
                {
                    writer.WriteStringValue("INVOKE");
                }

                if ((e.events & ExtensionEvents.Shutdown) != 0)
                {
                    writer.WriteStringValue("SHUTDOWN");
                }

                writer.WriteEndArray();
                if (e.errorType is not null)
                {
                    writer.WriteString("errorType", e.errorType);
                }
            });
        }

        if (lines.Length > 0)
        {
            await SendAsync(new Frame(FrameType.Log, [new(FrameHeaders.Stream, "stdout")], Encoding.UTF8.GetBytes(lines.ToString())));
        }

        InitReport("success", null);
        Telemetry.EndInit();
        if (invoke + external + @internal == 0)
        {
            return [];
        }

        return
        [
            new(FrameHeaders.InvokeExtensions, invoke.ToString(CultureInfo.InvariantCulture)),
            new(FrameHeaders.ExternalExtensions, external.ToString(CultureInfo.InvariantCulture)),
            new(FrameHeaders.InternalExtensions, @internal.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    /// <summary>The runtime posted /runtime/init/error.</summary>
    public void RuntimeInitFailed(string errorType) => InitReport("error", errorType);

    /// <summary>
    /// An Invoke frame arrived: platform.start, and INVOKE for the extensions registered for it, which the caller hands
    /// them (<see cref="ExtensionRegistry.Hand"/>) after giving the runtime its event: the runtime's answer is what the
    /// caller waits for. The post-invoke tracking starts here, before the runtime can answer.
    /// </summary>
    public List<(Extension.EventWaiter Waiter, byte[] Payload)>? Invoke(Frame invoke)
    {
        var extensions = Volatile.Read(ref _invokeExtensions);
        if (extensions <= 0 && !Telemetry.Active)
        {
            return null;
        }

        _requestId = invoke.Header(FrameHeaders.RequestId) ?? "";
        _traceId = invoke.Header(FrameHeaders.TraceId);
        _invokeStarted = _time.GetTimestamp();
        _invokeStartedAt = _time.GetUtcNow();
        Telemetry.Platform("platform.start", (_requestId, _function.Version, _traceId), static (writer, s) =>
        {
            writer.WriteString("requestId", s._requestId);
            writer.WriteString("version", s.Version);
            TelemetryJson.Tracing(writer, s._traceId);
        });
        if (extensions <= 0)
        {
            return null;
        }

        Registry.Prepare(ExtensionEvents.Invoke, ExtensionEventJson.Invoke(invoke), _requestId, out var handed);
        return handed;
    }

    /// <summary>
    /// Asked just before the runtime's answer is sent: true when the post-invoke phase ends with it (every INVOKE
    /// extension is already waiting for its next event); the answer then says so and no InvokeDone frame follows.
    /// </summary>
    public bool SettlesWithAnswer(string requestId) => Volatile.Read(ref _invokeExtensions) > 0 && Registry.SettlesWithAnswer(requestId);

    /// <summary>
    /// The runtime answered (status success or error): platform.runtimeDone; the post-invoke phase may end, or already
    /// ended with the answer (<paramref name="settled"/>, from <see cref="SettlesWithAnswer"/>).
    /// </summary>
    public void RuntimeAnswered(string requestId, string status, long producedBytes, bool settled = false)
    {
        var extensions = Volatile.Read(ref _invokeExtensions);
        if (extensions <= 0 && !Telemetry.Active)
        {
            return;
        }

        _answered = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_invokeStarted).TotalMilliseconds;
        Telemetry.Platform("platform.runtimeDone", (requestId, status, elapsed, producedBytes, _invokeStartedAt, _traceId), static (writer, s) =>
        {
            writer.WriteString("requestId", s.requestId);
            writer.WriteString("status", s.status);
            TelemetryJson.Tracing(writer, s._traceId);
            writer.WriteStartArray("spans");
            TelemetryJson.Span(writer, "responseLatency", s._invokeStartedAt, s.elapsed);
            TelemetryJson.Span(writer, "responseDuration", s._invokeStartedAt.AddMilliseconds(s.elapsed), 0);
            writer.WriteEndArray();
            writer.WriteStartObject("metrics");
            writer.WriteNumber("durationMs", Math.Round(s.elapsed, 3));
            writer.WriteNumber("producedBytes", s.producedBytes);
            writer.WriteEndObject();
        });
        if (extensions > 0 && !settled)
        {
            Registry.RuntimeAnswered(requestId);
        }
        else
        {
            Report(requestId, settled ? "success" : status);
        }
    }

    public void Dispose() => Telemetry.Dispose();

    private static string EventNames(ExtensionEvents events) => events switch
    {
        ExtensionEvents.Invoke | ExtensionEvents.Shutdown => "INVOKE,SHUTDOWN",
        ExtensionEvents.Invoke => "INVOKE",
        ExtensionEvents.Shutdown => "SHUTDOWN",
        _ => "",
    };

    private void OnInvokeDone(string requestId)
    {
        Report(requestId, "success");
        _ = SendAsync(new Frame(FrameType.InvokeDone, [new(FrameHeaders.RequestId, requestId)]));
    }

    private void Report(string requestId, string status)
    {
        if (!Telemetry.Active)
        {
            return;
        }

        var duration = _time.GetElapsedTime(_invokeStarted).TotalMilliseconds;
        var init = _initDurationMs;
        _initDurationMs = null;
        Telemetry.Platform("platform.report", (requestId, status, duration, init, _function.MemoryMb, MaxMemoryUsedMb(), _traceId, restored: Restored), static (writer, s) =>
        {
            writer.WriteString("requestId", s.requestId);
            writer.WriteString("status", s.status);
            TelemetryJson.Tracing(writer, s._traceId);
            writer.WriteStartObject("metrics");
            writer.WriteNumber("durationMs", Math.Round(s.duration, 3));
            writer.WriteNumber("billedDurationMs", (long)Math.Ceiling(s.duration));
            writer.WriteNumber("memorySizeMB", s.MemoryMb);
            writer.WriteNumber("maxMemoryUsedMB", s.Item6);
            if (s.init is { } initMs)
            {
                // A restored environment's first report carries its restore phase instead (ReportMetrics).
                writer.WriteNumber(s.restored ? "restoreDurationMs" : "initDurationMs", Math.Round(initMs, 3));
            }

            writer.WriteEndObject();
        });
        _ = Telemetry.FlushAsync();
    }

    /// <summary>The sandbox's peak memory where the cgroup tells it (runc), else the extensions' host knows better: 0.</summary>
    private static long MaxMemoryUsedMb()
    {
        try
        {
            var text = File.ReadAllText("/sys/fs/cgroup/memory.peak");
            return long.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? (bytes + 1048575) / 1048576 : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private async Task InitFailedAsync(string errorType, string message)
    {
        Failed = true;
        InitReport("error", errorType);
        var body = RuntimeApi.ErrorPayload.Create(message, errorType);
        await SendAsync(new Frame(FrameType.InitError, [new(FrameHeaders.ErrorType, errorType)], body));
    }

    private async Task SendAsync(Frame frame)
    {
        try
        {
            await _host.SendAsync(frame, _stopping);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The host is gone or nimbus-init is stopping.
        }
    }
}
