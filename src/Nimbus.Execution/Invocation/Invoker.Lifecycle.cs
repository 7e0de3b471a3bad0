// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Execution.Environments;
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

        var cell = template is null && _stemCells is { Enabled: true } ? await TakeCellAsync(function, network, cancellationToken) : null;
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

    /// <summary>
    /// A waiting stem cell for a cold start of <paramref name="function"/>, or null: a runtime cell when the function
    /// can take one (its runtime's client is ours, none of its variables must be there at the interpreter's start, and
    /// its layers bring no external extension, which starts before the runtime), else a sandbox cell of its runtime (a
    /// .zip function: an image brings its own root).
    /// </summary>
    private async ValueTask<ExecutionEnvironment?> TakeCellAsync(FunctionVersion function, bool network, CancellationToken cancellationToken)
    {
        if (function.Image is not null)
        {
            return null;
        }

        if (_launcher.CanStartStemCell(function)
            && (function.Layers.Count == 0 || ExternalExtensions.Find(await _layers.EnsureAsync(LayerPackages(function), cancellationToken), "/opt").Count == 0))
        {
            return _stemCells!.TryTake(new StemCellKey(function.Runtime!, network)); // CanStartStemCell: a runtime is set.
        }

        return _stemCells!.TryTake(new StemCellKey(function.Runtime ?? RuntimeLauncher.DefaultRuntime, network, SandboxOnly: true));
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
        if (template?.Spares is { } spares && await TakePreinitializedAsync(spares, function, network, cancellationToken) is { } preinitialized)
        {
            // Its sandbox, init and before-snapshot hooks are behind it: the restore phase is all that is left.
            return await InitializedAsync(preinitialized, scope, function, group, initTimeout, template, cancellationToken);
        }

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

        var environment = cell is null ? null : await SpecializeAsync(cell, scope, function, initializationType, stream, codeDirectory, optDirectory, cancellationToken);
        if (cell is not null && environment is null)
        {
            // The cell is gone: the usual start makes a new environment, with an id and a log stream of its own.
            id = Guid.NewGuid().ToString("N");
            stream = string.Create(CultureInfo.InvariantCulture, $"{now:yyyy'/'MM'/'dd}/[{function.Version}]{id}");
        }

        if (spare is not null)
        {
            environment = await StartSpareAsync(spare, template!, scope, function, stream, codeDirectory, optDirectory, cancellationToken); // A spare only with a template.
        }

        environment ??= template is null || template.Spares is not null
            ? await StartNewEnvironmentAsync(scope, function, network, initializationType, id, stream, codeDirectory, optDirectory, imageRoot, null, null, cancellationToken)
            : await StartRestoredEnvironmentAsync(scope, function, network, template, id, stream, codeDirectory, optDirectory, imageRoot, cancellationToken);
        return await InitializedAsync(environment, scope, function, group, initTimeout, template, cancellationToken);
    }

    /// <summary>The environment is the group's: waits for its init (or restore) phase and makes it idle when it is ready.</summary>
    private async Task<(ExecutionEnvironment Environment, RuntimeOutcome Outcome)> InitializedAsync(
        ExecutionEnvironment environment,
        Scope scope,
        FunctionVersion function,
        FunctionEnvironments group,
        TimeSpan initTimeout,
        SnapshotTemplate? template,
        CancellationToken cancellationToken)
    {
        environment.Owner = (scope, function);
        environment.Output.SpillTo(lines => Persist(scope, function, environment, lines));
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
    /// and environment are the function's, and its waiting runtime imports the handler (a sandbox cell's nimbus-init
    /// starts the runtime, with its extensions, as in a usual start). Null when the cell cannot be specialized (it is
    /// discarded and the caller starts an environment the usual way).
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
            var sandbox = (IStemCellSandbox)cell.Sandbox;
            if (cell.AwaitsRuntime && !sandbox.Spec.HostDirectories.SequenceEqual(_launcher.HostDirectories(function), StringComparer.Ordinal))
            {
                // Made before its runtime was acquired here (a .NET runtime pack): it lacks the runtime's directory.
                Log.StemCellStale(_logger, cell.Id, function.Runtime ?? RuntimeLauncher.DefaultRuntime);
                await cell.DisposeAsync();
                return null;
            }

            await sandbox.SpecializeAsync(codeDirectory, optDirectory, function.MemorySize, function.EphemeralStorageSize, cancellationToken);
            if (cell.AwaitsRuntime)
            {
                await cell.StartSpareAsync(_launcher.Create(scope, function, stream, initializationType, cell.Paths, codeDirectory, optDirectory), stream, _time.GetUtcNow(), cancellationToken);
                return cell;
            }

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

    /// <summary>
    /// A new environment of a SnapStart version without its spare. When its runtime cannot be had from the template
    /// (the fork, the entering or the lockdown failed, or the template gave up on it) the invoke is refused as AWS
    /// refuses a failed restore, SnapStartException, rather than with an internal error.
    /// </summary>
    private async Task<ExecutionEnvironment> StartRestoredEnvironmentAsync(
        Scope scope,
        FunctionVersion function,
        bool network,
        SnapshotTemplate template,
        string id,
        string stream,
        string codeDirectory,
        string? optDirectory,
        string? imageRoot,
        CancellationToken cancellationToken)
    {
        try
        {
            return await StartNewEnvironmentAsync(
                scope, function, network, SnapStart.InitializationType, id, stream, codeDirectory, optDirectory, imageRoot,
                launch => RestoreLaunch(launch, template), spec => RestoreSpec(spec, template, function), cancellationToken);
        }
        catch (SandboxStartException e)
        {
            Log.RestoreFailed(_logger, function.Name, function.Version, e.Message);
            throw SnapStart.RestoreFailed();
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
        Func<SandboxSpec, SandboxSpec>? changeSpec,
        CancellationToken cancellationToken)
    {
        var spec = Spec(function, network, id, codeDirectory, optDirectory, imageRoot);
        if (changeSpec is not null)
        {
            spec = changeSpec(spec);
        }

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
            IdleExecutable = _options.IdleExecutable,
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "Init of {FunctionName} took longer than {Seconds} s; retrying it within the invocation")]
        public static partial void InitTimedOut(ILogger logger, string functionName, double seconds);

        [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "A stem cell could not become an environment of {FunctionName}; starting one the usual way")]
        public static partial void StemCellFailed(ILogger logger, Exception exception, string functionName);

        [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Sandbox cell {EnvironmentId} was made before {Runtime}'s directories were what they are now; starting an environment the usual way")]
        public static partial void StemCellStale(ILogger logger, string environmentId, string runtime);

        [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "A new environment of {FunctionName}:{Version} could not be restored from its snapshot: {Reason}")]
        public static partial void RestoreFailed(ILogger logger, string functionName, string version, string reason);
    }
}
