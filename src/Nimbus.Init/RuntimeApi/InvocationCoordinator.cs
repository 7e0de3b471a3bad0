// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Http;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.RuntimeApi;

/// <summary>
/// The runtime's state machine and the queue of invocations from the host. One invocation at a time: the host sends
/// the next Invoke only after the previous Response/Error, so the queue rarely holds more than one.
/// </summary>
internal sealed class InvocationCoordinator
{
    public const string ReadyName = "Ready";
    public const string InvocationResponseName = "InvocationResponse";
    public const string InvocationErrorResponseName = "InvocationErrorResponse";
    public const string InitErrorName = "InitError";

    // The emulator's names of the restore transitions are not known here; these follow the other targets' form.
    public const string RestoreReadyName = "RestoreReady";
    public const string RestoreErrorName = "RestoreError";

    private readonly Lock _gate = new();
    private readonly Queue<Frame> _invokes = new();

    /// <summary>/next calls waiting for an invocation, oldest first (normally at most one).</summary>
    private readonly List<NextWaiter> _waiters = [];
    private readonly TaskCompletionSource _restore = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RuntimeState _state;
    private string? _requestId;
    private bool _handedOver;

    /// <param name="initial">
    /// Where the runtime is: Started in nimbus-init; Ready in the host, which takes the runtime over waiting in /next.
    /// </param>
    public InvocationCoordinator(RuntimeState initial = RuntimeState.Started)
    {
        _state = initial;
    }

    /// <summary>
    /// A pre-initialized SnapStart spare (docs/cold-starts.md#snapstart): /runtime/restore/next waits for
    /// <see cref="Restore"/>. Otherwise it returns at once and init, restore and the hooks are one phase.
    /// </summary>
    public bool Spare { get; set; }

    public RuntimeState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>A /next call: null when allowed (<paramref name="first"/> when it ends the init phase), else the error.</summary>
    public ApiError? BeginNext(out bool first)
    {
        lock (_gate)
        {
            first = _state is RuntimeState.Started or RuntimeState.Restoring;
            switch (_state)
            {
                case RuntimeState.Started:
                case RuntimeState.Restoring:
                case RuntimeState.ResponseSent:
                    _state = RuntimeState.Ready;
                    return null;
                case RuntimeState.Ready:
                    // Another /next while one waits: a client that gave up on its long poll and asks again.
                    return null;
                default:
                    return ApiError.StateTransition(_state, ReadyName);
            }
        }
    }

    /// <summary>The runtime's connections are the host's now (<see cref="TryHandOver"/>).</summary>
    public bool HandedOver
    {
        get
        {
            lock (_gate)
            {
                return _handedOver;
            }
        }
    }

    /// <summary>
    /// The runtime waits in /next (not yet registered here) and no other connection does: from now on the host serves
    /// it. True with the invocations queued here, which go back to the host; false leaves everything as it was.
    /// </summary>
    public bool TryHandOver(out List<Frame> queued)
    {
        queued = [];
        lock (_gate)
        {
            if (_handedOver || _state != RuntimeState.Ready || _waiters.Count > 0)
            {
                return false;
            }

            _handedOver = true;
            while (_invokes.TryDequeue(out var invoke))
            {
                queued.Add(invoke);
            }

            return true;
        }
    }

    /// <summary>
    /// An Invoke frame from the host: handed at once to a waiting /next whose client is still connected (its
    /// continuation runs on this thread: the event goes out before this returns), else queued. False when the
    /// runtime's connection was handed over: the caller sends the frame back.
    /// </summary>
    public bool Enqueue(Frame invoke)
    {
        NextWaiter? taker = null;
        List<NextWaiter>? gone = null;
        lock (_gate)
        {
            if (_handedOver)
            {
                return false;
            }

            while (_waiters.Count > 0)
            {
                var waiter = _waiters[0];
                _waiters.RemoveAt(0);
                if (waiter.Connection.IsClosed())
                {
                    (gone ??= []).Add(waiter);
                    continue;
                }

                TakeLocked(invoke);
                taker = waiter;
                break;
            }

            if (taker is null)
            {
                _invokes.Enqueue(invoke);
            }
        }

        if (gone is not null)
        {
            foreach (var waiter in gone)
            {
                waiter.TrySetResult(null);
            }
        }

        taker?.TrySetResult(invoke);
        return true;
    }

    /// <summary>
    /// Takes the queued invocation, or registers a wait for the next one on <paramref name="connection"/>: the task
    /// completes with the invocation, or null when the client went away (<see cref="Withdraw"/>).
    /// </summary>
    public ValueTask<Frame?> TakeOrWaitAsync(HttpConnection connection, out NextWaiter? waiter)
    {
        lock (_gate)
        {
            if (_invokes.TryDequeue(out var invoke))
            {
                TakeLocked(invoke);
                waiter = null;
                return new ValueTask<Frame?>(invoke);
            }

            waiter = new NextWaiter(connection, this);
            _waiters.Add(waiter);
            return new ValueTask<Frame?>(waiter.Task);
        }
    }

    /// <summary>The client of a waiting /next closed its connection: the wait ends with null.</summary>
    public void Withdraw(NextWaiter waiter)
    {
        lock (_gate)
        {
            if (!_waiters.Remove(waiter))
            {
                return;
            }
        }

        waiter.TrySetResult(null);
    }

    private void TakeLocked(Frame invoke)
    {
        _state = RuntimeState.Running;
        _requestId = invoke.Header(FrameHeaders.RequestId);
    }

    /// <summary>
    /// A /response or /error for <paramref name="requestId"/>: null when accepted (the invocation is then answered),
    /// else the error. As in the emulator, the state is checked before the id.
    /// </summary>
    public ApiError? BeginResult(string requestId, string target)
    {
        lock (_gate)
        {
            if (_state != RuntimeState.Running)
            {
                return ApiError.StateTransition(_state, target);
            }

            if (requestId.Length == 0 || !string.Equals(requestId, _requestId, StringComparison.Ordinal))
            {
                return ApiError.InvalidRequestId;
            }

            _state = RuntimeState.ResponseSent;
            return null;
        }
    }

    /// <summary>A GET /runtime/restore/next: allowed only during the init phase; null when allowed, else the error.</summary>
    public ApiError? BeginRestoreNext()
    {
        lock (_gate)
        {
            if (_state != RuntimeState.Started)
            {
                return ApiError.StateTransition(_state, RestoreReadyName);
            }

            _state = RuntimeState.RestoreReady;
            return null;
        }
    }

    /// <summary>Completes when the host took the spare (<see cref="Restore"/>); at once when this is no spare.</summary>
    public Task RestoredAsync(CancellationToken cancellationToken) => Spare ? _restore.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// The host took the spare: its waiting /runtime/restore/next returns. False when the runtime is not waiting there:
    /// it ended its init with /next instead (a runtime loop of the function's own that knows nothing of SnapStart).
    /// </summary>
    public bool Restore()
    {
        bool waiting;
        lock (_gate)
        {
            waiting = _state == RuntimeState.RestoreReady;
        }

        _restore.TrySetResult();
        return waiting;
    }

    /// <summary>/runtime/restore/next returns: the restore phase (after-restore hooks) runs until the first /next.</summary>
    public void BeginRestoring()
    {
        lock (_gate)
        {
            if (_state == RuntimeState.RestoreReady)
            {
                _state = RuntimeState.Restoring;
            }
        }
    }

    /// <summary>A POST /runtime/restore/error: allowed only while the after-restore hooks run.</summary>
    public ApiError? BeginRestoreError()
    {
        lock (_gate)
        {
            if (_state != RuntimeState.Restoring)
            {
                return ApiError.StateTransition(_state, RestoreErrorName);
            }

            _state = RuntimeState.InitError;
            return null;
        }
    }

    /// <summary>A /runtime/init/error: allowed only during the init phase.</summary>
    public ApiError? BeginInitError()
    {
        lock (_gate)
        {
            if (_state != RuntimeState.Started)
            {
                return ApiError.StateTransition(_state, InitErrorName);
            }

            _state = RuntimeState.InitError;
            return null;
        }
    }

    /// <summary>
    /// A waiting /next. Continuations run synchronously: whoever completes it (the host reader) writes the event to
    /// the runtime on its own thread, with no hop.
    /// </summary>
    internal sealed class NextWaiter(HttpConnection connection, InvocationCoordinator coordinator) : TaskCompletionSource<Frame?>(TaskCreationOptions.None)
    {
        public HttpConnection Connection { get; } = connection;

        /// <summary>The client closed its connection: the wait ends with null.</summary>
        public void Withdraw() => coordinator.Withdraw(this);
    }
}
