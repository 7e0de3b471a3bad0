// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Threading;
using Nimbus.Execution.Invocation;
using Nimbus.Execution.Sandboxes;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Environments;

/// <summary>
/// One execution environment: a sandbox with nimbus-init and the runtime, the host end of the init socket, and
/// the state machine (Initializing → Idle ⇄ Busy → Dead). One invocation at a time; never reused once Dead.
/// </summary>
internal sealed partial class ExecutionEnvironment : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly ISandbox _sandbox;
    private readonly Socket _connection;
    private readonly NetworkStream _stream;
    private readonly FrameReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource<RuntimeOutcome> _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private TaskCompletionSource<RuntimeOutcome>? _restore;
    private TaskCompletionSource<RuntimeOutcome>? _current;
    private string? _currentRequestId;

    /// <summary>
    /// The running invocation's deadline: one timer for the environment's life, set for each invocation (a timeout of
    /// Task.WaitAsync was a promise and a timer per invoke), and when it is due (Stopwatch ticks; long.MaxValue: none).
    /// </summary>
    private ITimer? _deadlineTimer;
    private long _deadlineDue = long.MaxValue;
    private EnvironmentState _state = EnvironmentState.Initializing;
    private Task? _readLoop;
    private volatile bool _provisioned;

    private ExecutionEnvironment(string id, string logStreamName, ISandbox sandbox, Socket connection, TimeProvider time, ILogger logger)
    {
        var startedAt = time.GetUtcNow();
        Output = new LogBuffer(time);
        Id = id;
        LogStreamName = logStreamName;
        _sandbox = sandbox;
        _connection = connection;
        _initProcess = HoldPeer(connection);
        _stream = new NetworkStream(connection, ownsSocket: true);
        _reader = new FrameReader(_stream);
        StartedAt = startedAt;
        LifetimeStart = startedAt;
        LastUsed = startedAt;
        _logger = logger;
    }

    public string Id { get; }

    public string LogStreamName { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>
    /// Where the environment's maximum lifetime counts from: when its runtime got the function's environment, whose
    /// execution-role credentials last that lifetime and a margin (RuntimeLauncher). A pre-initialized SnapStart spare
    /// keeps its making's when it is taken (<see cref="BeginRestoreAsync"/> moves only <see cref="StartedAt"/>).
    /// </summary>
    public DateTimeOffset LifetimeStart { get; private set; }

    public DateTimeOffset LastUsed { get; private set; }

    /// <summary>
    /// Kept warm for a provisioned-concurrency config: taken before on-demand environments and never reclaimed for
    /// idleness; cleared when the config goes away (then it ages out like any other).
    /// </summary>
    public bool Provisioned
    {
        get => _provisioned;
        set => _provisioned = value;
    }

    /// <summary>Started from a SnapStart snapshot: REPORT shows Restore Duration instead of Init Duration.</summary>
    public bool Restored { get; set; }

    /// <summary>The runtime's output that belongs to the current phase (init, then each invocation).</summary>
    public LogBuffer Output { get; }

    public EnvironmentState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Completes when the init phase ends: Ready, InitError or Exited; for a pre-initialized SnapStart spare taken
    /// (<see cref="BeginRestoreAsync"/>), when its restore phase ends.
    /// </summary>
    public Task<RuntimeOutcome> Initialized => Phase.Task;

    /// <summary>What the read loop completes at Ready or InitError: the restore once a spare was taken, else the init.</summary>
    private TaskCompletionSource<RuntimeOutcome> Phase => Volatile.Read(ref _restore) ?? _initialized;

    public long? PeakMemoryBytes() => _sandbox.PeakMemoryBytes();

    public bool OutOfMemory() => _sandbox.OutOfMemory();

    /// <summary>The init phase is over: the sandbox applies the limits that hold during invocations.</summary>
    public Task InitializedAsync(CancellationToken cancellationToken) => _sandbox.InitializedAsync(cancellationToken);

    /// <summary>
    /// Starts a sandbox, waits for nimbus-init to connect, and starts the runtime. Returns once the runtime is
    /// launched; <see cref="Initialized"/> tells when its init phase is over.
    /// </summary>
    public static async Task<ExecutionEnvironment> StartAsync(
        ISandboxFactory sandboxes,
        SandboxSpec spec,
        Func<SandboxPaths, RuntimeLaunch> launch,
        string logStreamName,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        return await ConnectAsync(sandboxes, spec, launch, stemCell: false, logStreamName, time, logger, cancellationToken);
    }

    /// <summary>The sandbox, for a stem cell's specialization.</summary>
    public ISandbox Sandbox => _sandbox;

    /// <summary>Where the runtime sees its code, runtime directory and /tmp.</summary>
    public SandboxPaths Paths => _sandbox.Paths;

    /// <summary>
    /// Starts the sandbox, accepts nimbus-init's connection and sends it the Start frame at once, then reads its Hello:
    /// the runtime's launch is built while nimbus-init starts, and nimbus-init finds Start waiting behind its Hello
    /// instead of a round trip to the host later (each hop is a wake-up, milliseconds on a busy host).
    /// </summary>
    private static async Task<ExecutionEnvironment> ConnectAsync(
        ISandboxFactory sandboxes,
        SandboxSpec spec,
        Func<SandboxPaths, RuntimeLaunch>? launch,
        bool stemCell,
        string logStreamName,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        File.Delete(spec.HostSocketPath);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(spec.HostSocketPath));
        listener.Listen(1);
        ISandbox? sandbox = null;
        Socket? connection = null;
        try
        {
            sandbox = await sandboxes.StartAsync(spec, cancellationToken);
            var runtime = launch?.Invoke(sandbox.Paths); // None for a SnapStart spare: its runtime starts when it is taken.
            var accept = listener.AcceptAsync(cancellationToken).AsTask();
            var first = await Task.WhenAny(accept, sandbox.Exited);
            if (first != accept)
            {
                throw new SandboxStartException($"nimbus-init exited with status {await sandbox.Exited} before connecting");
            }

            connection = await accept;
            // A start is not the hot path: what follows a socket's completion here (files, pidfds, a failed start's
            // sandbox shutdown) goes on on the pool, not on an event thread (EventThreads).
            await EventThreads.Leave();
            var environment = new ExecutionEnvironment(spec.EnvironmentId, logStreamName, sandbox, connection, time, logger);
            // A SnapStart container under runc (spec.Restore): its runtime, forked by the template, must be in this
            // container's cgroup before it gets its environment (Start), or what its after-restore hooks start stays
            // in the template's cgroup (a cgroup move takes one process, not its children).
            if (runtime is not null && spec.Restore is null)
            {
                await environment.SendStartAsync(runtime, stemCell, cancellationToken);
            }

            if (spec.Restore is not null)
            {
                // nimbus-init greets only once the template forked its runtime into the container.
                await environment.AwaitPreforkAsync(time, cancellationToken);
                if (runtime is not null)
                {
                    await environment.SendStartAsync(runtime, stemCell, cancellationToken);
                }
            }
            else if ((await environment._reader.ReadAsync(cancellationToken))?.Type != FrameType.Hello)
            {
                throw new SandboxStartException("nimbus-init did not greet the host");
            }

            await EventThreads.Leave();

            if (runtime is not null)
            {
                environment._readLoop = environment.ReadLoopAsync();
            }

            return environment;
        }
        catch
        {
            connection?.Dispose();
            if (sandbox is not null)
            {
                await EventThreads.Leave();
                await sandbox.DisposeAsync();
            }

            throw;
        }
        finally
        {
            File.Delete(spec.HostSocketPath);
        }
    }

    private async Task SendStartAsync(RuntimeLaunch runtime, bool stemCell, CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>>(runtime.Variables.Count + runtime.Arguments.Count + 3)
        {
            new(FrameHeaders.Command, runtime.Command),
            new(FrameHeaders.WorkingDirectory, runtime.WorkingDirectory),
        };
        if (stemCell)
        {
            headers.Add(new(FrameHeaders.StemCell, "1"));
        }

        if (runtime.RestoreSocket is { } template)
        {
            headers.Add(new(FrameHeaders.Restore, template));
        }

        if (runtime.Spare)
        {
            headers.Add(new(FrameHeaders.SnapStartSpare, "1"));
        }

        if (runtime.DirectRuntimeApi && DirectAvailable)
        {
            headers.Add(new(FrameHeaders.DirectRuntimeApi, "1"));
        }

        foreach (var argument in runtime.Arguments)
        {
            headers.Add(new(FrameHeaders.Argument, argument));
        }

        foreach (var (name, value) in runtime.Variables)
        {
            headers.Add(new(FrameHeaders.Environment, $"{name}={value}"));
        }

        foreach (var extension in runtime.Extensions)
        {
            headers.Add(new(FrameHeaders.Extension, extension));
        }

        if (runtime.AccountId is { } account)
        {
            headers.Add(new(FrameHeaders.AccountId, account));
        }

        await SendAsync(new Frame(FrameType.Start, headers), cancellationToken);
    }

    /// <summary>Marks the init phase done and the environment ready for invocations.</summary>
    public void MarkIdle(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_state is EnvironmentState.Initializing or EnvironmentState.Busy)
            {
                _state = EnvironmentState.Idle;
                LastUsed = now;
            }
        }
    }

    /// <summary>
    /// Takes an idle environment for one invocation (Idle → Busy); false when it is no longer idle (its runtime died
    /// while it waited), in which case nothing was sent and the caller takes another.
    /// </summary>
    public bool TryReserve()
    {
        lock (_lock)
        {
            if (_state != EnvironmentState.Idle)
            {
                return false;
            }

            _state = EnvironmentState.Busy;
            return true;
        }
    }

    /// <summary>
    /// Runs one invocation on an environment reserved by <see cref="TryReserve"/>; at the deadline the whole
    /// environment is killed and the outcome is Timeout. An environment that died since it was reserved answers as
    /// its runtime's exit, without sending the event. Its state machine is pooled (one per invoke): awaited once, as
    /// every ValueTask.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RuntimeOutcome> InvokeAsync(InvocationRequest request, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        // Continuations run on the thread that completes this: the read loop goes on with the invocation (result,
        // REPORT, the HTTP answer) until its first real await, then reads the next frame. Queued instead, the result
        // waited for a thread-pool worker to wake: one more hop and wake-up per invoke. The read loop holds no lock
        // when it completes this, and nothing on the invocation's tail blocks synchronously.
        var outcome = new TaskCompletionSource<RuntimeOutcome>();
        lock (_lock)
        {
            if (_state != EnvironmentState.Busy)
            {
                // FailAll ran between the reservation and here: it had no invocation to tell.
                return new RuntimeOutcome(OutcomeKind.Exited, ExitDescription: _exit);
            }

            _current = outcome;
            _currentRequestId = request.RequestId.Value;
            _currentSink = request.ResponseStream;
            BeginPostInvoke(deadline);
        }

        var headers = new List<KeyValuePair<string, string>>(7)
        {
            new(FrameHeaders.RequestId, request.RequestId.Value),
            new(FrameHeaders.DeadlineMs, deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            new(FrameHeaders.FunctionArn, request.InvokedFunctionArn),
            new(FrameHeaders.ContentType, "application/json"),
        };
        if (request.TraceId is { Length: > 0 } trace)
        {
            headers.Add(new(FrameHeaders.TraceId, trace));
        }

        if (request.ClientContext is { Length: > 0 } clientContext)
        {
            headers.Add(new(FrameHeaders.ClientContext, clientContext));
        }

        if (request.CognitoIdentity is { Length: > 0 } cognito)
        {
            headers.Add(new(FrameHeaders.CognitoIdentity, cognito));
        }

        // The caller giving up ends the wait (OperationCanceledException); the deadline ends it with a TimeoutException
        // (DeadlinePassed). Either way the runtime's answer, if it comes later, finds the promise settled.
        using var abandoned = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource<RuntimeOutcome>)state!).TrySetCanceled(token), outcome)
            : default;
        try
        {
            // The time left is taken before the event is handed over: the deadline counts from here. A send that fails
            // leaves through the finally below like any end of the invocation (the deadline disarmed, nothing current).
            var remaining = deadline - time.GetUtcNow();
            ArmDeadline(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            var invoke = new Frame(FrameType.Invoke, headers, request.Payload);
            if (_direct is { } direct)
            {
                // The server holds the runtime's connection: the event goes straight to its waiting /next.
                direct.Coordinator.Enqueue(invoke);
            }
            else
            {
                await SendAsync(invoke, cancellationToken);
            }

            return await outcome.Task;
        }
        catch (TimeoutException)
        {
            TimedOut();
            return new RuntimeOutcome(OutcomeKind.Timeout, Streamed: StreamDelivered());
        }
        finally
        {
            Volatile.Write(ref _deadlineDue, long.MaxValue);
            SetDeadlineTimer(Timeout.InfiniteTimeSpan);
            lock (_lock)
            {
                _current = null;
                _currentRequestId = null;
                _currentSink = null;
                _streamed = null;
            }
        }
    }

    /// <summary>Sets the deadline timer for the invocation about to be handed over (made at the first).</summary>
    private void ArmDeadline(TimeSpan remaining)
    {
        Volatile.Write(ref _deadlineDue, Stopwatch.GetTimestamp() + (long)(remaining.TotalSeconds * Stopwatch.Frequency));
        if (_deadlineTimer is null)
        {
            // Without the first invocation's execution context: a timer keeps the context it was made in for its whole
            // life, and with it that request's async-local state (its Activity, its scope) for the environment's.
            using (ExecutionContext.SuppressFlow())
            {
                _deadlineTimer = TimeProvider.System.CreateTimer(
                    static state => ((ExecutionEnvironment)state!).DeadlinePassed(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        SetDeadlineTimer(remaining);
    }

    /// <summary>Sets the deadline timer's next firing; nothing once it was disposed with the environment.</summary>
    private void SetDeadlineTimer(TimeSpan due)
    {
        try
        {
            _deadlineTimer?.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The environment was disposed under a running invocation (the server stopping): it ends as Exited.
        }
    }

    /// <summary>
    /// The deadline timer fired: the running invocation times out if its deadline has passed. A callback late for an
    /// earlier invocation (or early for this one) sets the timer again for what is left of this one's.
    /// </summary>
    private void DeadlinePassed()
    {
        TaskCompletionSource<RuntimeOutcome>? current;
        lock (_lock)
        {
            var due = Volatile.Read(ref _deadlineDue);
            current = _current;
            if (current is null || due == long.MaxValue)
            {
                return;
            }

            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (left > TimeSpan.Zero)
            {
                // The timer counts whole milliseconds and may fire up to one or two early: what is left is rounded up,
                // or a fraction of a millisecond would set it to fire at once, again and again, until the deadline.
                SetDeadlineTimer(TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)));
                return;
            }
        }

        current.TrySetException(new TimeoutException());
    }

    /// <summary>Kills the sandbox at once; the environment is Dead.</summary>
    public void Kill()
    {
        lock (_lock)
        {
            _state = EnvironmentState.Dead;
            _killed = true;
        }

        _sandbox.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        // Shutting the sandbox down starts processes and waits for them (EventThreads).
        await EventThreads.Leave();
        await ShutdownExtensionsAsync();
        Kill();
        _stream.Dispose();
        CloseDirect();
        if (_readLoop is not null)
        {
            await _readLoop;
        }

        await _sandbox.DisposeAsync();
        _deadlineTimer?.Dispose();
        _writeLock.Dispose();
    }

    private async Task SendAsync(Frame frame, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await FrameCodec.WriteAsync(_stream, frame, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
