// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// SnapStart for java and dotnet (docs/cold-starts.md#snapstart): a JVM or a CLR is multi-threaded, so it cannot be
/// forked as Python's template is, and CRIU fails on this host. A version gets pre-initialized spares instead: whole
/// environments of it that ran the function's init and its before-snapshot hooks (CRaC resources, SnapshotRestore's
/// RegisterBeforeSnapshot) and wait in GET /runtime/restore/next. A new environment of the version takes one: its
/// runtime runs the after-restore hooks, then serves. This is not a snapshot: each spare ran its own init, so what init
/// computed is not shared between environments. Publishing makes the first spare (its init decides the version's
/// state); the others, and each taken one, are made again in the background at a stem cell's CPU share.
/// </summary>
public sealed partial class Invoker
{
    /// <summary>Pre-initialized SnapStart spares ready to be taken, per function version (for the platform's metrics).</summary>
    public List<(string Account, string Region, string FunctionName, string Version, int Ready)> SnapStartSparesReady()
    {
        var ready = new List<(string, string, string, string, int)>();
        foreach (var (key, making) in _templates)
        {
            if (making.IsCompletedSuccessfully && making.Result.Spares is { } spares)
            {
                // The key is account:region:function:version: (TemplateKey); a function's name has no colon.
                var parts = key.Split(':');
                ready.Add((parts[0], parts[1], parts[2], parts[3], spares.Count));
            }
        }

        return ready;
    }

    /// <summary>
    /// The version's SnapStart is pre-initialized spares rather than a forked template: java and dotnet always, python
    /// where its template cannot fork into a sandbox of the environment's own (bwrap: a forked runtime would share the
    /// template's sandbox).
    /// </summary>
    private bool Preinitializes(FunctionVersion version) =>
        version.Runtime is { } runtime
        && (runtime.StartsWith("java", StringComparison.Ordinal)
            || runtime.StartsWith("dotnet", StringComparison.Ordinal)
            || (runtime.StartsWith("python3.", StringComparison.Ordinal) && _sandboxes.Name is not ("process" or "runc")));

    /// <summary>Publishing: the first spare, whose init and before-snapshot hooks decide the version's state.</summary>
    private async Task<SnapshotTemplate> MakePreinitializedAsync(Scope scope, FunctionVersion version, CancellationToken cancellationToken)
    {
        var network = _options.OutboundNetwork;
        var (spare, failure) = await StartPreinitializedAsync(scope, version, network, lowPriority: false, cancellationToken);
        if (spare is null)
        {
            SnapshotLog.TemplateFailed(_logger, version.Name, version.Version, failure!.Value.Reason); // Set when no spare.
            return new SnapshotTemplate(null, "", failure);
        }

        var spares = new PreinitializedSpares(scope, network);
        var template = new SnapshotTemplate(null, "", null) { Spares = spares };
        if (_options.SnapStartSpares > 0)
        {
            spares.Add(spare);
        }
        else
        {
            await spare.DisposeAsync();
        }

        SnapshotLog.TemplateReady(_logger, version.Name, version.Version);
        RefillPreinitialized(spares, version);
        return template;
    }

    /// <summary>
    /// One spare: an environment of the version started with AWS_LAMBDA_INITIALIZATION_TYPE=snap-start whose runtime
    /// ran init and the before-snapshot hooks and now waits in /runtime/restore/next. Null and AWS's reason when its
    /// init (or a hook) failed.
    /// </summary>
    private async Task<(ExecutionEnvironment? Spare, (string Code, string Reason)? Failure)> StartPreinitializedAsync(
        Scope scope,
        FunctionVersion version,
        bool network,
        bool lowPriority,
        CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var stream = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy'/'MM'/'dd}/[{version.Version}]{id}");
        var codeDirectory = await _code.EnsureUnpackedAsync(version.CodeSha256, cancellationToken);
        var optDirectory = await _layers.EnsureAsync(LayerPackages(version), cancellationToken);
        if (!await _launcher.PrepareAsync(version, cancellationToken))
        {
            return (null, ("InvalidRuntime", $"The runtime {version.Runtime} is not available on this Nimbus host."));
        }

        var environment = await StartNewEnvironmentAsync(
            scope, version, network, SnapStart.InitializationType, id, stream, codeDirectory, optDirectory, null,
            launch => launch with { Spare = true }, spec => spec with { LowPriority = lowPriority }, cancellationToken);
        // A JVM's init prints a lot: what it and the before-snapshot hooks write goes to the log while they run.
        environment.Output.SpillTo(lines => Persist(scope, version, environment, lines));
        RuntimeOutcome outcome;
        try
        {
            outcome = await environment.Initialized.WaitAsync(SnapshotInitTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await environment.DisposeAsync();
            return (null, ("FunctionError.InitTimeout", "The function's init did not finish within 15 minutes."));
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }

        if (outcome.Kind != OutcomeKind.Ready)
        {
            var reason = outcome.Kind == OutcomeKind.InitError ? InitErrorText(outcome) : outcome.ExitDescription ?? "Runtime exited during init";
            await environment.DisposeAsync();
            return (null, ("FunctionError", reason));
        }

        return (environment, null);
    }

    /// <summary>
    /// A spare of the version for a new environment, taken and told to restore (its after-restore hooks run now);
    /// null when none is ready. Its Restore Duration counts from here.
    /// </summary>
    private async Task<ExecutionEnvironment?> TakePreinitializedAsync(PreinitializedSpares spares, FunctionVersion function, bool network, CancellationToken cancellationToken)
    {
        // A spare made more than half the maximum lifetime ago is replaced rather than taken: its life and its
        // credentials count from its making (ExecutionEnvironment.LifetimeStart), so it would serve for less than that.
        while (spares.TryTake(network, _time.GetUtcNow() - (_options.MaxLifetime / 2)) is { } spare)
        {
            try
            {
                await spare.BeginRestoreAsync(_time.GetUtcNow(), cancellationToken);
                return spare;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                SpareLog.SpareFailed(_logger, function.Name, function.Version, e.Message);
                await spare.DisposeAsync();
            }
        }

        return null;
    }

    /// <summary>Makes spares in the background until the version has its number, unless that is under way or it was dropped.</summary>
    private void RefillPreinitialized(PreinitializedSpares spares, FunctionVersion version)
    {
        if (spares.Dropped || spares.Count >= _options.SnapStartSpares || Interlocked.CompareExchange(ref spares.Filling, 1, 0) != 0)
        {
            return;
        }

        _ = FillPreinitializedAsync(spares, version);
    }

    private async Task FillPreinitializedAsync(PreinitializedSpares spares, FunctionVersion version)
    {
        try
        {
            // Off the caller's path: the invocation that asked for it goes on at once.
            await Task.Yield();
            while (!spares.Dropped && spares.Count < _options.SnapStartSpares)
            {
                // One at a time, at a stem cell's CPU share: a JVM's init takes a core for a while.
                var (spare, failure) = await StartPreinitializedAsync(spares.Scope, version, spares.Network, lowPriority: true, CancellationToken.None);
                if (spare is null)
                {
                    // Its init failed now though it succeeded at publishing: the next take starts on demand, and asks again.
                    SpareLog.SpareFailed(_logger, version.Name, version.Version, failure!.Value.Reason); // Set when no spare.
                    return;
                }

                if (!spares.Add(spare))
                {
                    await spare.DisposeAsync();
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SandboxStartException or SocketException or InvalidOperationException)
        {
            SpareLog.SpareFailed(_logger, version.Name, version.Version, e.Message);
        }
        finally
        {
            Volatile.Write(ref spares.Filling, 0);
            if (spares.Dropped)
            {
                await spares.DropAsync();
            }
        }
    }

    /// <summary>The pre-initialized spares of one SnapStart version.</summary>
    private sealed class PreinitializedSpares(Scope scope, bool network)
    {
        private readonly ConcurrentQueue<ExecutionEnvironment> _ready = new();
        public int Filling;
        private volatile bool _dropped;

        /// <summary>Whose credentials and log group the spares' environments have (the version's publisher's scope).</summary>
        public Scope Scope { get; } = scope;

        /// <summary>The outbound network the spares were made with.</summary>
        public bool Network { get; } = network;

        public bool Dropped => _dropped;

        public int Count => _ready.Count;

        /// <summary>Keeps a ready spare; false when the version was dropped meanwhile (the caller disposes of it).</summary>
        public bool Add(ExecutionEnvironment spare)
        {
            if (_dropped)
            {
                return false;
            }

            _ready.Enqueue(spare);
            if (_dropped && _ready.TryDequeue(out var late))
            {
                // Dropped while it was being stored: nobody else will take it.
                _ = late.DisposeAsync().AsTask();
            }

            return true;
        }

        /// <summary>
        /// A live spare made with <paramref name="network"/> after <paramref name="madeAfter"/>, or null; dead and older
        /// ones found on the way are disposed of.
        /// </summary>
        public ExecutionEnvironment? TryTake(bool network, DateTimeOffset madeAfter)
        {
            if (network != Network)
            {
                return null;
            }

            while (_ready.TryDequeue(out var spare))
            {
                if (spare.State != EnvironmentState.Dead && !spare.Sandbox.Exited.IsCompleted && spare.LifetimeStart > madeAfter)
                {
                    return spare;
                }

                _ = spare.DisposeAsync().AsTask();
            }

            return null;
        }

        /// <summary>The version goes (deleted, server stopping): its spares too, and one being made when it is ready.</summary>
        public async Task DropAsync()
        {
            _dropped = true;
            while (_ready.TryDequeue(out var spare))
            {
                await spare.DisposeAsync();
            }
        }
    }
}
