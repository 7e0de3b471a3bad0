// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.StemCells;

/// <summary>
/// Stem cells waiting for a function, per runtime, network and kind (docs/cold-starts.md): runtime cells, whose
/// interpreter waits with our runtime client loaded (python, nodejs), and sandbox cells, whose nimbus-init waits for
/// the runtime's start (every runtime of a .zip function, and the functions a runtime cell cannot serve). A cold start
/// takes one (<see cref="TryTake"/>) and specializes it; each is used once, so nothing of one function ever meets another.
/// <see cref="StemCellRefiller"/> keeps each runtime at its target: the cold starts of the last
/// <see cref="StemCellOptions.DemandWindow"/>, within the minimum and maximum and the memory budget. A runtime stays in
/// the pool for <see cref="StemCellOptions.KeepFor"/> after its last cold start, across restarts: each one's last cold
/// start is kept in <see cref="StemCellOptions.DemandFile"/>.
/// </summary>
internal sealed partial class StemCellPool : IAsyncDisposable
{
    /// <summary>A cell's memory limit until it is specialized: Lambda's largest MemorySize.</summary>
    public const int UnspecializedMemoryMb = 10_240;

    /// <summary>The footprint assumed for a runtime's cell until one has been measured.</summary>
    private const long DefaultFootprintBytes = 32L * 1024 * 1024;

    /// <summary>How long a refill waits at most for cells being specialized (a long init must not starve the pool).</summary>
    private static readonly TimeSpan s_refillHold = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<StemCellKey, Queue<ExecutionEnvironment>> _cells = [];
    private readonly Dictionary<StemCellKey, Queue<long>> _demand = [];

    /// <summary>
    /// When each runtime in demand last had a cold start, as a timestamp of <see cref="_time"/>: its age counts on the
    /// monotonic clock, so a wall clock set forward (a host that synchronizes its time after boot) forgets nothing; the
    /// wall clock is used only to write and read <see cref="StemCellOptions.DemandFile"/>.
    /// </summary>
    private readonly Dictionary<StemCellKey, long> _lastDemand = [];

    /// <summary>The runtimes of <see cref="StemCellOptions.Runtimes"/>: kept whatever their demand.</summary>
    private readonly HashSet<StemCellKey> _configured = [];
    private readonly Dictionary<StemCellKey, long> _footprints = [];
    private readonly List<ExecutionEnvironment> _retired = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ISandboxFactory _sandboxes;
    private readonly RuntimeLauncher _launcher;
    private readonly ExecutionOptions _execution;
    private readonly StemCellOptions _options;
    private readonly string _socketDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary><see cref="_lastDemand"/> changed since it was last written, and when that was (a timestamp).</summary>
    private bool _demandChanged;
    private long _demandSaved;
    private bool _demandSaveFailed;

    /// <summary>One writer of the demand file at a time (the refiller's look and the pool's disposal may meet).</summary>
    private readonly Lock _saveLock = new();

    /// <summary>Cells taken and not yet through their init phase, and since when there have been any.</summary>
    private int _specializing;
    private long _specializingSince;

    public StemCellPool(ISandboxFactory sandboxes, RuntimeLauncher launcher, ExecutionOptions execution, StemCellOptions options, string socketDirectory, TimeProvider time, ILogger logger)
    {
        _sandboxes = sandboxes;
        _launcher = launcher;
        _execution = execution;
        _options = options;
        _socketDirectory = socketDirectory;
        _time = time;
        _logger = logger;
        Enabled = options.Enabled && sandboxes is IStemCellSandboxFactory;
        if (Enabled)
        {
            foreach (var runtime in options.Runtimes)
            {
                // A runtime whose interpreter cannot wait with our client loaded is kept as sandbox cells.
                if (launcher.CanStartStemCell(runtime) || launcher.CanStartSandboxCell(runtime))
                {
                    var key = new StemCellKey(runtime, execution.OutboundNetwork, SandboxOnly: !launcher.CanStartStemCell(runtime));
                    _demand[key] = new Queue<long>();
                    _configured.Add(key);
                }
            }

            Remember();
        }
    }

    /// <summary>False when the options turn the pool off or the sandbox backend cannot make stem cells (only runc can).</summary>
    public bool Enabled { get; }

    /// <summary>
    /// Takes a waiting cell of <paramref name="key"/>, or null (empty pool: the caller starts an environment the
    /// usual way). Either way the cold start counts as demand for the key. A runtime cell missed is made up for by a
    /// sandbox cell of the same runtime when one waits (that take counts as no demand for sandbox cells: they are
    /// kept for the functions that need them). A miss wakes the refiller at once; a
    /// cell taken holds refills until <see cref="Specialized"/> (at most <see cref="s_refillHold"/>): starting a
    /// container (bundle, runc, nimbus-init, an interpreter) takes a core for ~100 ms, which on a small host would
    /// otherwise run beside the very cold start it refills for and double its time.
    /// </summary>
    public ExecutionEnvironment? TryTake(StemCellKey key)
    {
        if (!Enabled || !CanHold(key))
        {
            return null;
        }

        ExecutionEnvironment? taken = null;
        var takenKey = key;
        lock (_lock)
        {
            if (!_demand.TryGetValue(key, out var demand))
            {
                demand = new Queue<long>();
                _demand[key] = demand;
            }

            demand.Enqueue(_time.GetTimestamp());
            _lastDemand[key] = _time.GetTimestamp();
            _demandChanged = true;
            taken = DequeueLocked(key);
            if (taken is null && !key.SandboxOnly)
            {
                takenKey = key with { SandboxOnly = true };
                taken = DequeueLocked(takenKey);
            }

            if (taken is not null && _specializing++ == 0)
            {
                _specializingSince = _time.GetTimestamp();
            }
        }

        if (taken?.PeakMemoryBytes() is { } footprint)
        {
            lock (_lock)
            {
                _footprints[takenKey] = footprint;
            }
        }

        if (taken is null)
        {
            _wake.Writer.TryWrite(true);
        }

        return taken;
    }

    /// <summary>A cell taken by <see cref="TryTake"/> finished its init phase (or failed to): refills may go on.</summary>
    public void Specialized()
    {
        lock (_lock)
        {
            _specializing = Math.Max(0, _specializing - 1);
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>Waiting cells per runtime and kind (with and without outbound network together), for the platform's metrics.</summary>
    public Dictionary<(string Runtime, string Kind), int> Waiting()
    {
        var counts = new Dictionary<(string Runtime, string Kind), int>();
        lock (_lock)
        {
            foreach (var (key, cells) in _cells)
            {
                counts[(key.RuntimeId, key.Kind)] = counts.GetValueOrDefault((key.RuntimeId, key.Kind)) + cells.Count;
            }
        }

        return counts;
    }

    /// <summary>Waiting cells of <paramref name="key"/>.</summary>
    public int Count(StemCellKey key)
    {
        lock (_lock)
        {
            return _cells.TryGetValue(key, out var cells) ? cells.Count : 0;
        }
    }

    /// <summary>
    /// The next cell to make: the key furthest below its target whose cell still fits in the memory budget, or null
    /// when every runtime has what it needs. Cells above a target (demand fell) and dead ones are handed back in
    /// <paramref name="retire"/> for the caller to dispose of.
    /// </summary>
    public StemCellKey? Next(List<ExecutionEnvironment> retire)
    {
        var forgotten = new List<StemCellKey>();
        StemCellKey? next;
        lock (_lock)
        {
            next = NextLocked(retire, forgotten);
        }

        // Logged outside the lock: a cold start's TryTake never waits for the logger.
        foreach (var key in forgotten)
        {
            Log.Forgotten(_logger, key.Kind, key.RuntimeId, _options.KeepFor.TotalHours);
        }

        return next;
    }

    private StemCellKey? NextLocked(List<ExecutionEnvironment> retire, List<StemCellKey> forgotten)
    {
        var now = _time.GetTimestamp();

        // A cell whose sandbox ended while it waited (a sandbox cell has no read loop to notice) neither counts
        // nor holds its container until a cold start would have found it dead.
        foreach (var cells in _cells.Values)
        {
            for (var i = cells.Count; i > 0; i--)
            {
                var cell = cells.Dequeue();
                if (Usable(cell))
                {
                    cells.Enqueue(cell);
                }
                else
                {
                    _retired.Add(cell);
                }
            }
        }

        Forget(retire, forgotten);
        retire.AddRange(_retired);
        _retired.Clear();
        if (_specializing > 0 && _time.GetElapsedTime(_specializingSince, now) < s_refillHold)
        {
            // Specialized() wakes the refiller when that cold start is through; surplus waits for that look too.
            return null;
        }

        long used = 0;
        foreach (var (key, cells) in _cells)
        {
            used += cells.Count * Footprint(key);
        }

        StemCellKey? next = null;
        var neediest = 0;
        foreach (var key in _demand.Keys)
        {
            var target = TargetLocked(key, now);
            var have = _cells.TryGetValue(key, out var cells) ? cells.Count : 0;
            while (have > target && cells!.TryDequeue(out var surplus))
            {
                retire.Add(surplus);
                have--;
            }

            if (target - have > neediest && used + Footprint(key) <= (long)_options.MemoryBudgetMb * 1024 * 1024)
            {
                next = key;
                neediest = target - have;
            }
        }

        return next;
    }

    /// <summary>
    /// How many cells of <paramref name="key"/> the pool aims to hold: the cold starts of the last demand window,
    /// within the minimum and the maximum; none for a runtime never in demand nor configured.
    /// </summary>
    public int Target(StemCellKey key)
    {
        lock (_lock)
        {
            return _demand.ContainsKey(key) ? TargetLocked(key, _time.GetTimestamp()) : 0;
        }
    }

    /// <summary>Makes one cell of <paramref name="key"/> and puts it in the pool.</summary>
    public async Task AddAsync(StemCellKey key, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var spec = new SandboxSpec
        {
            EnvironmentId = id,
            InitExecutable = _execution.InitExecutable!, // Resolved by AddNimbusExecution.
            IdleExecutable = _execution.IdleExecutable,
            HostSocketPath = Path.Combine(_socketDirectory, id[..16] + ".sock"),
            CodeDirectory = "",
            RuntimeDirectory = _execution.RuntimeDirectory!, // Resolved by AddNimbusExecution.
            HostDirectories = _launcher.HostDirectories(key.RuntimeId), // A sandbox cell's are checked again when it is taken.
            MemoryMb = UnspecializedMemoryMb,
            OutboundNetwork = key.OutboundNetwork,
            PlatformSocketPath = _execution.PlatformSocketPath,
            StemCell = true,
        };
        var cell = key.SandboxOnly
            ? await ExecutionEnvironment.StartSandboxCellAsync(_sandboxes, spec, _time, _logger, cancellationToken)
            : await ExecutionEnvironment.StartStemCellAsync(
                _sandboxes,
                spec,
                paths => _launcher.CreateStemCell(key.RuntimeId, paths),
                _time,
                _logger,
                cancellationToken);
        var disposed = false;
        lock (_lock)
        {
            // A runtime that left the pool while its cell was being made (Forget) has the cell retired at the next look.
            disposed = _disposed;
            if (!disposed)
            {
                if (!_cells.TryGetValue(key, out var cells))
                {
                    cells = new Queue<ExecutionEnvironment>();
                    _cells[key] = cells;
                }

                cells.Enqueue(cell);
            }
        }

        if (disposed)
        {
            await cell.DisposeAsync();
            return;
        }

        Log.Created(_logger, key.Kind, key.RuntimeId, id);
    }

    /// <summary>Waits until a cold start took or missed a cell, or <paramref name="timeout"/> passes (demand windows age).</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, cancellationToken);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        SaveDemand(force: true);
        List<ExecutionEnvironment> all;
        lock (_lock)
        {
            _disposed = true;
            all = [.. _retired];
            _retired.Clear();
            foreach (var cells in _cells.Values)
            {
                all.AddRange(cells);
                cells.Clear();
            }
        }

        foreach (var cell in all)
        {
            await cell.DisposeAsync();
        }
    }

    /// <summary>
    /// Writes each runtime's last cold start to <see cref="StemCellOptions.DemandFile"/> when it changed, at most once a
    /// second (the refiller calls this as it goes round); a write that fails is logged once and tried again later.
    /// </summary>
    public void SaveDemand(bool force = false)
    {
        var path = _options.DemandFile;
        string text;
        using var writing = _saveLock.EnterScope();
        lock (_lock)
        {
            if (!Enabled || path is null || !_demandChanged || (!force && _time.GetElapsedTime(_demandSaved) < TimeSpan.FromSeconds(1)))
            {
                return;
            }

            var lines = new StringBuilder();
            var now = _time.GetUtcNow();
            foreach (var (key, at) in _lastDemand)
            {
                var last = now - _time.GetElapsedTime(at);
                lines.Append(key.RuntimeId).Append('\t')
                    .Append(key.OutboundNetwork ? "outbound" : "loopback").Append('\t')
                    .Append(key.Kind).Append('\t')
                    .Append(last.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)).Append('\n');
            }

            text = lines.ToString();
            _demandChanged = false;
            _demandSaved = _time.GetTimestamp();
        }

        var temporary = path + ".tmp";
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
            lock (_lock)
            {
                _demandSaveFailed = false; // a later failure is logged again
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (_lock)
            {
                _demandChanged = true;
                if (_demandSaveFailed)
                {
                    return;
                }

                _demandSaveFailed = true;
            }

            Log.DemandNotSaved(_logger, e, path);
        }
    }

    /// <summary>
    /// The runtimes in demand before the server's start (<see cref="StemCellOptions.DemandFile"/>) whose last cold start
    /// is within <see cref="StemCellOptions.KeepFor"/> enter the pool at once, at its minimum; lines that are not such a
    /// runtime (an edited file, a runtime this host no longer has) are passed over.
    /// </summary>
    private void Remember()
    {
        string[] lines;
        try
        {
            lines = _options.DemandFile is { } path && File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.DemandNotRead(_logger, e, _options.DemandFile!);
            return;
        }

        var now = _time.GetUtcNow();
        var nowStamp = _time.GetTimestamp();
        foreach (var line in lines)
        {
            var fields = line.Split('\t');
            if (fields.Length != 4
                || fields[1] is not ("outbound" or "loopback")
                || fields[2] is not ("runtime" or "sandbox")
                || !DateTimeOffset.TryParseExact(fields[3], "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var last))
            {
                continue;
            }

            var key = new StemCellKey(fields[0], fields[1] == "outbound", SandboxOnly: fields[2] == "sandbox");
            if (now - last >= _options.KeepFor || !CanHold(key))
            {
                continue;
            }

            // Its age goes on from here on the monotonic clock (a time after now, the clock set back since: from now).
            var age = last < now ? now - last : TimeSpan.Zero;
            _demand.TryAdd(key, new Queue<long>());
            _lastDemand[key] = nowStamp - (long)(age.TotalSeconds * _time.TimestampFrequency);
        }
    }

    /// <summary>
    /// Under the lock: runtimes not configured whose last cold start is <see cref="StemCellOptions.KeepFor"/> ago leave
    /// the pool (added to <paramref name="forgotten"/>), and the cells of runtimes no longer in it go to
    /// <paramref name="retire"/>.
    /// </summary>
    private void Forget(List<ExecutionEnvironment> retire, List<StemCellKey> forgotten)
    {
        foreach (var (key, at) in _lastDemand)
        {
            if (_time.GetElapsedTime(at) >= _options.KeepFor && !_configured.Contains(key))
            {
                forgotten.Add(key);
            }
        }

        foreach (var key in forgotten)
        {
            _lastDemand.Remove(key);
            _demand.Remove(key);
            _demandChanged = true;
        }

        foreach (var (key, cells) in _cells)
        {
            if (!_demand.ContainsKey(key))
            {
                while (cells.TryDequeue(out var cell))
                {
                    retire.Add(cell);
                }
            }
        }
    }

    private int TargetLocked(StemCellKey key, long now)
    {
        var demand = _demand[key];
        while (demand.TryPeek(out var at) && _time.GetElapsedTime(at, now) > _options.DemandWindow)
        {
            demand.Dequeue();
        }

        return Math.Min(Math.Max(demand.Count, _options.Minimum), _options.Maximum);
    }

    private long Footprint(StemCellKey key) => _footprints.TryGetValue(key, out var bytes) ? bytes : DefaultFootprintBytes;

    /// <summary>Runtime cells only for the runtimes whose client is ours; sandbox cells for any runtime the host has.</summary>
    private bool CanHold(StemCellKey key) =>
        key.SandboxOnly ? _launcher.CanStartSandboxCell(key.RuntimeId) : _launcher.CanStartStemCell(key.RuntimeId);

    /// <summary>The first usable cell of <paramref name="key"/>; those that died while they waited go to the refiller to dispose of.</summary>
    private ExecutionEnvironment? DequeueLocked(StemCellKey key)
    {
        if (!_cells.TryGetValue(key, out var cells))
        {
            return null;
        }

        while (cells.TryDequeue(out var cell))
        {
            if (Usable(cell))
            {
                return cell;
            }

            _retired.Add(cell);
        }

        return null;
    }

    /// <summary>A cell still waiting: its runtime (or, in a sandbox cell, nimbus-init) alive and not yet given a function.</summary>
    private static bool Usable(ExecutionEnvironment cell) =>
        cell.State == EnvironmentState.Initializing && !cell.Initialized.IsCompleted && !cell.Sandbox.Exited.IsCompleted;

    private static partial class Log
    {
        [LoggerMessage(EventId = 3400, Level = LogLevel.Debug, Message = "Stem cell {EnvironmentId} ({Kind}) of {Runtime} is waiting for a function")]
        public static partial void Created(ILogger logger, string kind, string runtime, string environmentId);

        [LoggerMessage(EventId = 3420, Level = LogLevel.Information, Message = "Stem cells ({Kind}) of {Runtime} are no longer kept: no cold start for {Hours} h")]
        public static partial void Forgotten(ILogger logger, string kind, string runtime, double hours);

        [LoggerMessage(EventId = 3421, Level = LogLevel.Warning, Message = "The stem-cell pool could not write {Path}; a restarted server will refill only for the runtimes it is configured with until it can")]
        public static partial void DemandNotSaved(ILogger logger, Exception exception, string path);

        [LoggerMessage(EventId = 3422, Level = LogLevel.Warning, Message = "The stem-cell pool could not read {Path}; it starts with the configured runtimes only")]
        public static partial void DemandNotRead(ILogger logger, Exception exception, string path);
    }
}
