// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// SnapStart's snapshots (docs/cold-starts.md#snapstart): per published SnapStart version, a template environment
/// whose runtime ran the function's init and the before-snapshot hooks and now waits to fork. New environments of the
/// version start no runtime: their nimbus-init asks the template to fork one and adopts it. Templates live in memory: one that is missing (after a restart, or one that died) is made again before the
/// next new environment of its version needs it. java and dotnet versions have no template process: their "template"
/// holds pre-initialized spares instead (Invoker.PreinitializedSpares.cs).
/// </summary>
public sealed partial class Invoker : ISnapshotBuilder
{
    /// <summary>Names the template's socket to the runtime client (runtimes/python/bootstrap.py).</summary>
    internal const string SnapshotSocketVariable = "_NIMBUS_SNAPSHOT_SOCKET";

    /// <summary>AWS gives the init of a SnapStart version up to 15 minutes, not on-demand init's 10 s.</summary>
    private static readonly TimeSpan SnapshotInitTimeout = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Task<SnapshotTemplate>> _templates = new(StringComparer.Ordinal);

    public async Task<(string Code, string Reason)?> CreateAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
    {
        var template = await TemplateAsync(scope, version, cancellationToken);
        return template.Failure;
    }

    public void Delete(Scope scope, string functionName, string? version)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{scope.Account}:{scope.Region}:{functionName}:{(version is null ? "" : version + ":")}");
        foreach (var key in _templates.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && _templates.TryRemove(key, out var removed))
            {
                _ = DropAsync(removed);
            }
        }
    }

    /// <summary>
    /// At shutdown: every template goes (the environments forked from them went before), all at once: a stop that
    /// takes longer than the command line's 2 s ends the server with status 143 instead of 0.
    /// </summary>
    private async Task DropTemplatesAsync()
    {
        var drops = new List<Task>();
        foreach (var key in _templates.Keys)
        {
            if (!_templates.TryRemove(key, out var removed))
            {
                continue;
            }

            if (removed.IsCompleted)
            {
                drops.Add(DropAsync(removed));
            }
            else
            {
                // Still being made (a JVM's init may take minutes): not waited for, but dropped when it is made, so
                // that its environment and spares do not outlive the server (under runc a later start sweeps the rest).
                _ = DropAsync(removed);
            }
        }

        await Task.WhenAll(drops);
    }

    /// <summary>Why a version cannot have a snapshot on this host; null when it can.</summary>
    private string? SnapshotUnsupported(FunctionVersion version)
    {
        if (Preinitializes(version))
        {
            // Pre-initialized spares ask nothing of the sandbox (Invoker.PreinitializedSpares.cs).
            return null;
        }

        // A python template forks under the process and runc sandboxes (Preinitializes covers the others).
        return version.Runtime is { } runtime && runtime.StartsWith("python3.", StringComparison.Ordinal)
            ? null
            : $"SnapStart snapshots of {version.Runtime} functions are not available on this Nimbus host yet.";
    }

    private static string TemplateKey(Scope scope, FunctionVersion version) =>
        string.Create(CultureInfo.InvariantCulture, $"{scope.Account}:{scope.Region}:{version.Name}:{version.Version}:");

    /// <summary>The version's template, made once (concurrent callers share the making); a dead one is made again.</summary>
    private async Task<SnapshotTemplate> TemplateAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
    {
        var key = TemplateKey(scope, version);
        while (true)
        {
            var making = new TaskCompletionSource<SnapshotTemplate>(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = _templates.GetOrAdd(key, making.Task);
            if (task == making.Task)
            {
                // Made apart from any one caller's cancellation: others may be waiting for the same template.
                _ = FillAsync(making, scope, version);
            }

            var template = await task.WaitAsync(cancellationToken);
            if (template.Environment is not { State: EnvironmentState.Dead })
            {
                // Failed, pre-initialized spares (no template process), or a live template.
                return template;
            }

            if (_templates.TryRemove(new KeyValuePair<string, Task<SnapshotTemplate>>(key, task)))
            {
                await DropSpareAsync(template);
                await template.Environment.DisposeAsync();
            }
        }
    }

    private async Task FillAsync(TaskCompletionSource<SnapshotTemplate> making, Scope scope, FunctionVersion version)
    {
        SnapshotTemplate? made = null;
        try
        {
            made = await MakeTemplateAsync(scope, version, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or Sandboxes.SandboxStartException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            SnapshotLog.TemplateFailed(_logger, version.Name, version.Version, e.Message);
            made = new SnapshotTemplate(null, "", ("InternalError", e.Message));
        }
        finally
        {
            // Whatever happened, those waiting get an answer; an unforeseen failure is not kept, so it is tried again.
            if (made is null)
            {
                _templates.TryRemove(new KeyValuePair<string, Task<SnapshotTemplate>>(TemplateKey(scope, version), making.Task));
            }

            making.TrySetResult(made ?? new SnapshotTemplate(null, "", ("InternalError", "The snapshot could not be made.")));
        }
    }

    private async Task<SnapshotTemplate> MakeTemplateAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
    {
        if (SnapshotUnsupported(version) is { } unsupported)
        {
            return new SnapshotTemplate(null, "", ("InternalError", unsupported));
        }

        if (Preinitializes(version))
        {
            return await MakePreinitializedAsync(scope, version, cancellationToken);
        }

        var id = Guid.NewGuid().ToString("N");
        // Under runc the template listens in a directory of its own, bound into its container; each restored
        // container gets only the socket (Sandboxes/RuncSnapshot.cs).
        var runc = IsRunc;
        // Named with this server's identity, unique among its templates (SnapshotFiles).
        var name = SnapshotFiles.NewName();
        var directory = runc ? Path.Combine(_socketDirectory, name) : null;
        var socket = directory is null ? Path.Combine(_socketDirectory, name + ".sock") : Path.Combine(directory, RuncSnapshot.SocketName);
        var listenAt = runc ? RuncSnapshot.TemplateSocketPath : socket;
        var restoreAt = runc ? RuncSnapshot.SocketPath : socket;
        var stream = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy'/'MM'/'dd}/[{version.Version}]{id}");
        var codeDirectory = await _code.EnsureUnpackedAsync(version.CodeSha256, cancellationToken);
        var optDirectory = await _layers.EnsureAsync(LayerPackages(version), cancellationToken);
        if (!await _launcher.PrepareAsync(version, cancellationToken))
        {
            return new SnapshotTemplate(null, "", ("InvalidRuntime", $"The runtime {version.Runtime} is not available on this Nimbus host."));
        }

        ExecutionEnvironment environment;
        try
        {
            environment = await StartNewEnvironmentAsync(
                scope, version, _options.OutboundNetwork, SnapStart.InitializationType, id, stream, codeDirectory, optDirectory, null,
                launch => WithSnapshotSocket(launch, listenAt), spec => spec with { SnapshotDirectory = directory }, cancellationToken);
        }
        catch
        {
            DeleteSnapshotFiles(socket, directory);
            throw;
        }

        RuntimeOutcome outcome;
        try
        {
            outcome = await environment.Initialized.WaitAsync(SnapshotInitTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await environment.DisposeAsync();
            DeleteSnapshotFiles(socket, directory);
            return new SnapshotTemplate(null, "", ("FunctionError.InitTimeout", "The function's init did not finish within 15 minutes."));
        }

        if (outcome.Kind != OutcomeKind.Ready)
        {
            var reason = outcome.Kind == OutcomeKind.InitError ? InitErrorText(outcome) : outcome.ExitDescription ?? "Runtime exited during init";
            SnapshotLog.TemplateFailed(_logger, version.Name, version.Version, reason);
            await environment.DisposeAsync();
            DeleteSnapshotFiles(socket, directory);
            return new SnapshotTemplate(null, "", ("FunctionError", reason));
        }

        if (directory is not null)
        {
            // Restored containers bind the host's checked link of the socket, never a name in the template's directory.
            try
            {
                socket = RuncSnapshot.LinkSocket(directory);
            }
            catch (Sandboxes.SandboxStartException e)
            {
                SnapshotLog.TemplateFailed(_logger, version.Name, version.Version, e.Message);
                await environment.DisposeAsync();
                DeleteSnapshotFiles(socket, directory);
                return new SnapshotTemplate(null, "", ("InternalError", e.Message));
            }
        }

        SnapshotLog.TemplateReady(_logger, version.Name, version.Version);
        var template = new SnapshotTemplate(environment, socket, null) { Directory = directory, RestoreSocketPath = restoreAt };
        Refill(template, version);
        return template;
    }

    /// <summary>"errorType: errorMessage" of a failed init's error JSON.</summary>
    private static string InitErrorText(RuntimeOutcome outcome)
    {
        try
        {
            using var json = JsonDocument.Parse(outcome.Body);
            var message = json.RootElement.TryGetProperty("errorMessage", out var m) ? m.GetString() : null;
            return $"{outcome.ErrorType ?? "Runtime.Unknown"}: {message}";
        }
        catch (JsonException)
        {
            return outcome.ErrorType ?? "Runtime.Unknown";
        }
    }

    private static async Task DropAsync(Task<SnapshotTemplate> making)
    {
        var template = await making;
        var spare = DropSpareAsync(template);
        if (template.Environment is { } environment)
        {
            await environment.DisposeAsync();
        }

        await spare;
        DeleteSnapshotFiles(template.SocketPath, template.Directory);
    }

    private static void DeleteSnapshotFiles(string socket, string? directory)
    {
        if (directory is not null)
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            File.Delete(RuncSnapshot.LinkPath(directory));
            File.Delete(RuncSnapshot.SeccompPath(directory));
        }
        else if (socket.Length > 0)
        {
            File.Delete(socket);
        }
    }

    private bool IsRunc => _sandboxes.Name == "runc";

    /// <summary>
    /// Under runc a restored environment is a container of its own whose user and pid namespaces are made nested in
    /// the template's (Sandboxes/RuncNamespaceHolder.cs), so the template's child can enter it.
    /// </summary>
    private SandboxSpec RestoreSpec(SandboxSpec spec, SnapshotTemplate template, FunctionVersion version) =>
        IsRunc && template.Environment is { } environment
            ? spec with { Restore = new SnapshotRestore(environment.Sandbox, template.SocketPath, _launcher.Interpreter(version) ?? "python3") }
            : spec;

    /// <summary>
    /// The template a new environment of <paramref name="function"/> starts from, or null when it is not a SnapStart
    /// version or its snapshot cannot be had (it then starts the usual way).
    /// </summary>
    private async Task<SnapshotTemplate?> RestoreFromAsync(Scope scope, FunctionVersion function, CancellationToken cancellationToken)
    {
        if (!SnapStart.Applies(function) || function.State != FunctionStates.Active)
        {
            return null;
        }

        var template = await TemplateAsync(scope, function, cancellationToken);
        return template.Failure is null ? template : null;
    }

    /// <summary>A restored environment's runtime: nimbus-init asks the template to fork one and adopts it.</summary>
    private static RuntimeLaunch RestoreLaunch(RuntimeLaunch launch, SnapshotTemplate template) =>
        launch with { RestoreSocket = template.RestoreSocketPath };

    private static RuntimeLaunch WithSnapshotSocket(RuntimeLaunch launch, string socket)
    {
        var variables = new List<KeyValuePair<string, string>>(launch.Variables) { new(SnapshotSocketVariable, socket) };
        return launch with { Variables = variables };
    }

    private sealed record SnapshotTemplate(ExecutionEnvironment? Environment, string SocketPath, (string Code, string Reason)? Failure)
    {
        /// <summary>The next environment of the version, prepared ahead (Invoker.SnapshotSpares.cs).</summary>
        public SpareSlot Spare { get; } = new();

        /// <summary>java and dotnet: no template process; the version's pre-initialized spares (Invoker.PreinitializedSpares.cs).</summary>
        public PreinitializedSpares? Spares { get; init; }

        /// <summary>runc: the template's own directory on the host (its socket and seccomp rules); null otherwise.</summary>
        public string? Directory { get; init; }

        /// <summary>Where a restored environment's nimbus-init finds the template's socket (inside its sandbox).</summary>
        public string RestoreSocketPath { get; init; } = "";
    }

    private static partial class SnapshotLog
    {
        [LoggerMessage(EventId = 3220, Level = LogLevel.Information, Message = "SnapStart snapshot of {FunctionName}:{Version} is ready")]
        public static partial void TemplateReady(ILogger logger, string functionName, string version);

        [LoggerMessage(EventId = 3221, Level = LogLevel.Warning, Message = "SnapStart snapshot of {FunctionName}:{Version} failed: {Reason}")]
        public static partial void TemplateFailed(ILogger logger, string functionName, string version, string reason);
    }
}
