// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Logs;
using Nimbus.Execution.Sandboxes;
using Nimbus.Execution.StemCells;

namespace Nimbus.Execution.Invocation;

public sealed partial class Invoker
{
    private const string OnDemand = "on-demand";

    private async Task<(ExecutionEnvironment Environment, RuntimeOutcome Outcome, TimeSpan InitDuration)> ColdStartAsync(
        InvocationRequest request,
        FunctionEnvironments group,
        CancellationToken cancellationToken)
    {
        var clock = _time.GetTimestamp();
        using var span = Core.Diagnostics.NimbusTracing.Source.StartActivity(Core.Diagnostics.NimbusTracing.Init);
        var (environment, outcome) = await StartEnvironmentAsync(request.Scope, request.Function, request.OutboundNetwork, OnDemand, group, _options.InitTimeout, cancellationToken);
        if (outcome.Kind == OutcomeKind.Timeout && !environment.Restored)
        {
            // AWS: an init phase past 10 s is retried as part of the invocation, within the function's own timeout.
            // A restore phase past it is not (SnapStartTimeoutException, see RestoreFailure).
            Log.InitTimedOut(_logger, request.Function.Name, _options.InitTimeout.TotalSeconds);
            await Pool.DiscardAsync(environment);
            (environment, outcome) = await StartEnvironmentAsync(request.Scope, request.Function, request.OutboundNetwork, OnDemand, group, TimeSpan.FromSeconds(request.Function.Timeout), cancellationToken);
        }

        return (environment, outcome, _time.GetElapsedTime(clock));
    }

    /// <summary>Starts an environment and waits for its init phase; <paramref name="initializationType"/> is AWS_LAMBDA_INITIALIZATION_TYPE.</summary>
    private async Task<(ExecutionEnvironment Environment, RuntimeOutcome Outcome)> StartEnvironmentAsync(
        Scope scope,
        FunctionVersion function,
        bool? outboundNetwork,
        string initializationType,
        FunctionEnvironments group,
        TimeSpan initTimeout,
        CancellationToken cancellationToken)
    {
        var network = outboundNetwork ?? _options.OutboundNetwork;
        var template = await RestoreFromAsync(scope, function, cancellationToken);
        if (template is not null)
        {
            initializationType = SnapStart.InitializationType;
        }

        var cell = template is null && _stemCells is { Enabled: true } && _launcher.CanStartStemCell(function) ? _stemCells.TryTake(new StemCellKey(function.Runtime!, network)) : null; // CanStartStemCell: a runtime is set.
        if (cell is null)
        {
            return await StartEnvironmentCoreAsync(scope, function, network, initializationType, group, initTimeout, template, cell, cancellationToken);
        }

        try
        {
            return await StartEnvironmentCoreAsync(scope, function, network, initializationType, group, initTimeout, template, cell, cancellationToken);
        }
        finally
        {
            // Refills wait while a taken cell is specialized (StemCellPool.TryTake): its init phase is over.
            _stemCells!.Specialized(); // A cell comes only from the pool.
        }
    }

    /// <summary>The same, with the network, snapshot template and stem cell (if any) chosen.</summary>
    private async Task<(ExecutionEnvironment Environment, RuntimeOutcome Outcome)> StartEnvironmentCoreAsync(
        Scope scope,
        FunctionVersion function,
        bool network,
        string initializationType,
        FunctionEnvironments group,
        TimeSpan initTimeout,
        SnapshotTemplate? template,
        ExecutionEnvironment? cell,
        CancellationToken cancellationToken)
    {
        var spare = template is null ? null : TakeSpare(template, network);
        var id = cell?.Id ?? spare?.Id ?? Guid.NewGuid().ToString("N");
        var now = _time.GetUtcNow();
        var stream = string.Create(CultureInfo.InvariantCulture, $"{now:yyyy'/'MM'/'dd}/[{function.Version}]{id}");
        string codeDirectory;
        string? optDirectory;
        string? imageRoot;
        try
        {
            // An image function's code is its image's root (the runc sandbox's root, read-only); a zip's is /var/task.
            imageRoot = function.Image is { } image && _images is not null ? await _images.EnsureRootAsync(image, cancellationToken) : null;
            codeDirectory = imageRoot ?? await _code.EnsureUnpackedAsync(function.CodeSha256, cancellationToken);
            optDirectory = await _layers.EnsureAsync(LayerPackages(function), cancellationToken);
            if (!await _launcher.PrepareAsync(function, cancellationToken))
            {
                throw new SandboxStartException($"the runtime {function.Runtime} cannot be provided on this host");
            }
        }
        catch when (cell is not null || spare is not null)
        {
            await (cell ?? spare)!.DisposeAsync(); // One of the two, as the filter says.
            throw;
        }

        if (cell is not null && ExternalExtensions.Find(optDirectory, "/opt").Count > 0)
        {
            // External extensions start before the runtime: a cell's runtime is already running without them.
            await cell.DisposeAsync();
            cell = null;
        }

        var environment = cell is null ? null : await SpecializeAsync(cell, scope, function, initializationType, stream, codeDirectory, optDirectory, cancellationToken);
        if (spare is not null)
        {
            environment = await StartSpareAsync(spare, template!, scope, function, stream, codeDirectory, optDirectory, cancellationToken); // A spare only with a template.
        }

        environment ??= await StartNewEnvironmentAsync(scope, function, network, initializationType, id, stream, codeDirectory, optDirectory, imageRoot, template is null ? null : launch => RestoreLaunch(launch, template), cancellationToken);
        environment.Owner = (scope, function);
        environment.Restored = template is not null;
        Pool.Track(group, environment);
        try
        {
            var outcome = await environment.Initialized.WaitAsync(initTimeout, cancellationToken);
            if (template is not null)
            {
                // The next environment of the version is prepared now that this one's restore is over.
                Refill(template, function);
            }

            if (outcome.Kind == OutcomeKind.Ready)
            {
                await environment.InitializedAsync(cancellationToken);
                environment.MarkIdle(_time.GetUtcNow());
            }

            return (environment, outcome);
        }
        catch (TimeoutException)
        {
            environment.Kill();
            return (environment, new RuntimeOutcome(OutcomeKind.Timeout));
        }
        catch (OperationCanceledException)
        {
            await Pool.DiscardAsync(environment);
            throw;
        }
    }

    /// <summary>
    /// A stem cell becomes this function's environment: its code and layers appear at /var/task and /opt, its limits
    /// and environment are the function's, and its waiting runtime imports the handler. Null when the cell cannot be
    /// specialized (it is discarded and the caller starts an environment the usual way).
    /// </summary>
    private async Task<ExecutionEnvironment?> SpecializeAsync(
        ExecutionEnvironment cell,
        Scope scope,
        FunctionVersion function,
        string initializationType,
        string stream,
        string codeDirectory,
        string? optDirectory,
        CancellationToken cancellationToken)
    {
        try
        {
            await ((IStemCellSandbox)cell.Sandbox).SpecializeAsync(codeDirectory, optDirectory, function.MemorySize, function.EphemeralStorageSize, cancellationToken);
            var launch = _launcher.Create(scope, function, stream, initializationType, cell.Paths, codeDirectory);
            await cell.SpecializeAsync(launch.Variables, stream, _time.GetUtcNow(), cancellationToken);
            return cell;
        }
        catch (Exception e) when (e is SandboxStartException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Log.StemCellFailed(_logger, e, function.Name);
            await cell.DisposeAsync();
            return null;
        }
        catch
        {
            await cell.DisposeAsync();
            throw;
        }
    }

    private async Task<ExecutionEnvironment> StartNewEnvironmentAsync(
        Scope scope,
        FunctionVersion function,
        bool network,
        string initializationType,
        string id,
        string stream,
        string codeDirectory,
        string? optDirectory,
        string? imageRoot,
        Func<RuntimeLaunch, RuntimeLaunch>? changeLaunch,
        CancellationToken cancellationToken)
    {
        var spec = Spec(function, network, id, codeDirectory, optDirectory, imageRoot);
        return await ExecutionEnvironment.StartAsync(
            _sandboxes,
            spec,
            paths => changeLaunch is null
                ? _launcher.Create(scope, function, stream, initializationType, paths, codeDirectory, optDirectory)
                : changeLaunch(_launcher.Create(scope, function, stream, initializationType, paths, codeDirectory, optDirectory)),
            stream,
            _time,
            _logger,
            cancellationToken);
    }

    private SandboxSpec Spec(FunctionVersion function, bool network, string id, string codeDirectory, string? optDirectory, string? imageRoot) =>
        new()
        {
            EnvironmentId = id,
            InitExecutable = _options.InitExecutable!, // Resolved by AddNimbusExecution.
            HostSocketPath = Path.Combine(_socketDirectory, id[..16] + ".sock"),
            CodeDirectory = codeDirectory,
            ImageRoot = imageRoot,
            OptDirectory = optDirectory,
            RuntimeDirectory = _options.RuntimeDirectory!, // Resolved by AddNimbusExecution.
            HostDirectories = _launcher.HostDirectories(function),
            MemoryMb = function.MemorySize,
            EphemeralStorageMb = function.EphemeralStorageSize,
            OutboundNetwork = network,
            PlatformSocketPath = _options.PlatformSocketPath,
        };

    private static string[] LayerPackages(Core.Functions.FunctionVersion function)
    {
        var packages = new List<string>(function.Layers.Count);
        foreach (var layer in function.Layers)
        {
            // References stored before layers were checked carry no package: nothing to mount for them.
            if (layer.CodeSha256.Length > 0)
            {
                packages.Add(layer.CodeSha256);
            }
        }

        return [.. packages];
    }

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

    private static partial class Log
    {
        [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "Init of {FunctionName} took longer than {Seconds} s; retrying it within the invocation")]
        public static partial void InitTimedOut(ILogger logger, string functionName, double seconds);

        [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "A stem cell could not become an environment of {FunctionName}; starting one the usual way")]
        public static partial void StemCellFailed(ILogger logger, Exception exception, string functionName);
    }
}
