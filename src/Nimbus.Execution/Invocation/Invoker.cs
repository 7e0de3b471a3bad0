// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Images;
using Nimbus.Core.Metrics;
using Nimbus.Core.Storage;
using Nimbus.Core.Threading;
using Nimbus.Execution.Concurrency;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Logs;
using Nimbus.Execution.Sandboxes;
using Nimbus.Execution.StemCells;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// Runs invocations: takes a warm environment of the function's configuration (most recently used first) or
/// starts a new one (cold start: sandbox, nimbus-init, runtime init), runs the event with the function's
/// timeout, writes START/END/REPORT around the runtime's output, and keeps or discards the environment.
/// </summary>
public sealed partial class Invoker : IAsyncDisposable, IProvisionedEnvironments
{
    /// <summary>The fallback socket directory made for each work directory whose own path is too long (SocketDirectory).</summary>
    private static readonly ConcurrentDictionary<string, string> s_shortSocketDirectories = new(StringComparer.Ordinal);

    private readonly ISandboxFactory _sandboxes;
    private readonly RuntimeLauncher _launcher;
    private readonly ICodeStore _code;
    private readonly ILayerTree _layers;
    private readonly FunctionLogWriter _logs;
    private readonly ExecutionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Invoker> _logger;
    private readonly ConcurrencyGate _gate;
    private readonly string _socketDirectory;
    private readonly StemCellPool? _stemCells;
    private readonly IImageService? _images;
    private readonly IMetricsRecorder? _metrics;

    internal Invoker(
        ISandboxFactory sandboxes,
        RuntimeLauncher launcher,
        ICodeStore code,
        ILayerTree layers,
        FunctionLogWriter logs,
        IOptions<ExecutionOptions> options,
        TimeProvider time,
        ILogger<Invoker> logger,
        ConcurrencyGate gate,
        StemCellPool? stemCells = null,
        IImageService? images = null,
        IMetricsRecorder? metrics = null)
    {
        _metrics = metrics is { Enabled: true } ? metrics : null;
        _stemCells = stemCells;
        _images = images;
        _sandboxes = sandboxes;
        _launcher = launcher;
        _code = code;
        _layers = layers;
        _logs = logs;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _gate = gate;
        _socketDirectory = SocketDirectory(_options.WorkDirectory!); // Resolved by AddNimbusExecution.
        Pool.Discarded = PersistLeftovers;
    }

    internal EnvironmentPool Pool { get; } = new();

    /// <summary>The sandbox backend in use.</summary>
    public string SandboxName => _sandboxes.Name;

    /// <summary>
    /// Runs one invocation; throws <see cref="InvocationThrottledException"/> when the concurrency gate refuses it
    /// (before anything ran), or when it needs a new environment and the function's scaling rate is used up.
    /// </summary>
    public async Task<InvocationResult> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        Entered();
        var cutShort = true;
        try
        {
            var result = await RunAsync(request, cancellationToken);
            cutShort = _stopping && result.ErrorType is "Runtime.ExitError";
            return result;
        }
        finally
        {
            Left(cutShort);
        }
    }

    // Pooled: once per invoke, awaited once by InvokeAsync.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<InvocationResult> RunAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        var function = request.Function;
        using var lease = _gate.Enter(request.Scope, function.Name);
        var group = Group(request.Scope, function, request.OutboundNetwork);
        var lines = new List<string>(4);
        var environment = group.TakeIdle();
        while (environment is not null && !await ReserveAsync(group, environment, cancellationToken))
        {
            // Its extensions overran the previous invocation's post-invoke phase, or its runtime died meanwhile (even
            // after it settled): nothing was sent, so the invocation goes to another environment or a new one. Its
            // shutdown (the extensions' budget) does not hold the caller; it leaves the pool's count at once.
            _ = RetireAsync([environment]);
            environment = group.TakeIdle();
        }

        var cold = environment is null;
        TimeSpan? initDuration = null;
        if (environment is null)
        {
            lease.TakeColdStart();
            // A start writes files and starts processes (a sandbox, its runtime): not on an event thread (EventThreads).
            await EventThreads.Leave();
            var started = await ColdStartAsync(request, group, cancellationToken);
            environment = started.Environment;
            initDuration = started.InitDuration;
            var initOutput = environment.Output.Drain();
            if (started.Outcome.Kind != OutcomeKind.Ready)
            {
                // A failed init is the first invocation's answer; the environment is discarded and the next invoke inits again.
                lines.AddRange(initOutput);
                if (RestoreFailure(environment, started.Outcome) is { } refusal)
                {
                    // What the after-restore hooks wrote is in the function's log, where AWS's error sends the user.
                    Persist(request, environment, lines);
                    await Pool.DiscardAsync(environment);
                    throw refusal;
                }

                var failed = InitFailure(request, started.Outcome, lines, initDuration.Value, environment);
                await Pool.DiscardAsync(environment);
                return failed;
            }

            Persist(request, environment, initOutput);
            // A runtime that died since its init answers as an exit (InvokeAsync): it is this function's doing.
            _ = environment.TryReserve();
        }

        var start = _time.GetUtcNow();
        var deadline = start + TimeSpan.FromSeconds(function.Timeout);
        // START goes through the environment's output: lines handed on while the invocation runs follow it.
        if (PlatformLog.Start(function, request.RequestId.Value, start) is { } startLine)
        {
            environment.Output.Add(startLine);
        }

        var clock = _time.GetTimestamp();
        RuntimeOutcome outcome;
        try
        {
            outcome = await environment.InvokeAsync(request, deadline, _time, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            outcome = new RuntimeOutcome(OutcomeKind.Exited, ExitDescription: "Runtime exited without providing a reason");
        }
        catch (OperationCanceledException)
        {
            // The caller gave up (or the server stops): the environment is mid-invocation and cannot be reused.
            // What the function wrote so far still goes to its log.
            await Pool.DiscardAsync(environment);
            lines.AddRange(environment.Output.Drain());
            AddLine(lines, PlatformLog.End(function, request.RequestId.Value, _time.GetUtcNow(), "failure"));
            Persist(request, environment, lines);
            throw;
        }

        var duration = _time.GetElapsedTime(clock);
        lines.AddRange(environment.Output.Drain());
        var deferred = outcome.Kind is OutcomeKind.Success or OutcomeKind.FunctionError
            && environment.HasInvokeExtensions
            && DeferReport(request, outcome.Kind, clock, duration, initDuration, environment);
        if (!deferred && environment.HasInvokeExtensions)
        {
            // The extensions were back before the runtime answered: no time after it.
            _metrics?.Lambda(request.Scope, request.Function.Name, request.Qualifier, LambdaMetric.PostRuntimeExtensionsDuration, 0);
        }
        var result = Complete(request, outcome, lines, duration, initDuration, environment, cold, ProvisionedFor(group), report: !deferred);
        if (outcome.Kind is OutcomeKind.Success or OutcomeKind.FunctionError)
        {
            environment.MarkIdle(_time.GetUtcNow());
            await Pool.ReleaseAsync(group, environment);
        }
        else if (outcome.Kind == OutcomeKind.Timeout && environment.HasExtensions)
        {
            // The caller hears of the timeout now; the extensions' SHUTDOWN (reason timeout) takes its budget after.
            _ = RetireAsync([environment]);
        }
        else
        {
            await Pool.DiscardAsync(environment);
        }

        return result;
    }

    /// <summary>
    /// Waits for a taken idle environment's previous post-invoke phase and reserves it; false when it cannot serve.
    /// A caller that gives up meanwhile puts it back (it is still the function's, or discarded if it died).
    /// </summary>
    private async ValueTask<bool> ReserveAsync(FunctionEnvironments group, ExecutionEnvironment environment, CancellationToken cancellationToken)
    {
        try
        {
            return await environment.SettledAsync(_time, cancellationToken) && environment.TryReserve();
        }
        catch (OperationCanceledException)
        {
            await Pool.ReleaseAsync(group, environment);
            throw;
        }
    }

    /// <summary>Live environments by state (initializing, warm and idle, busy).</summary>
    public EnvironmentCounts Environments() => Pool.Count();

    /// <summary>Stem cells waiting for a function, per runtime and kind (empty without a pool).</summary>
    public Dictionary<(string Runtime, string Kind), int> StemCellsWaiting() => _stemCells?.Waiting() ?? [];

    /// <summary>Invocations running now on the scope's unreserved concurrency pool (for metrics).</summary>
    public int UnreservedInFlight(Scope scope) => _gate.UnreservedInFlight(scope);

    /// <summary>Reclaims idle environments past their idle timeout or lifetime.</summary>
    public Task<int> ReclaimAsync() => Pool.ReclaimAsync(_time.GetUtcNow(), _options.IdleTimeout, _options.MaxLifetime);

    /// <summary>Shuts every environment down at once (no waiting for invocations in flight).</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync(new CancellationToken(canceled: true));

    /// <summary>
    /// The function version's pool (per scope, version, code and network), its key formatted on the stack and looked
    /// up without a string: one is made only for a new pool. The key's parts are validated names, ARN parts and a
    /// hash, far under the buffer; it grows if ever they were not.
    /// </summary>
    private FunctionEnvironments Group(Scope scope, FunctionVersion f, bool? outboundNetwork)
    {
        Span<char> key = stackalloc char[512];
        int written;
        while (!key.TryWrite(
            CultureInfo.InvariantCulture,
            $"{scope.Account}:{scope.Region}:{f.Name}:{f.Version}:{f.CodeSha256}:{f.LastModified.UtcTicks}:{Network(outboundNetwork)}",
            out written))
        {
            key = new char[key.Length * 2];
        }

        return Pool.Group(key[..written]);
    }

    private static string Network(bool? outboundNetwork) => outboundNetwork switch
    {
        true => "True",
        false => "False",
        null => "",
    };

    internal static string SocketDirectory(string workDirectory)
    {
        // Unix socket paths are limited to 108 bytes; a deep data directory falls back to a short one: a new directory
        // made for this process (mkdtemp: 0700, never one that already existed, which another local user could have
        // made and would then control), the same for every caller with this work directory.
        var directory = Path.Combine(workDirectory, "s");
        if (directory.Length > 60)
        {
            // Named with this server's identity: a later server removes it (sockets, templates' files) once this one
            // is gone, and never another live server's (SnapshotFiles).
            return s_shortSocketDirectories.GetOrAdd(workDirectory, static work =>
            {
                _ = SnapshotFiles.SweepStaleFallbackDirectories(Path.GetTempPath());
                return Directory.CreateTempSubdirectory(SnapshotFiles.FallbackDirectoryPrefix).FullName;
            });
        }

        // Only the server may connect to a starting environment's socket (sandboxes get the socket file itself).
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }
}
