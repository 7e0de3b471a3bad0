// SPDX-License-Identifier: Apache-2.0
using System.Threading.Channels;
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

    private readonly Lock _gate = new();
    private readonly Channel<Frame> _invokes = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleWriter = true });
    private RuntimeState _state = RuntimeState.Started;
    private string? _requestId;

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

    /// <summary>Queues an Invoke frame from the host.</summary>
    public void Enqueue(Frame invoke) => _invokes.Writer.TryWrite(invoke);

    /// <summary>A /next call: null when allowed (<paramref name="first"/> when it ends the init phase), else the error.</summary>
    public ApiError? BeginNext(out bool first)
    {
        lock (_gate)
        {
            first = _state == RuntimeState.Started;
            switch (_state)
            {
                case RuntimeState.Started:
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

    /// <summary>Completes when an invocation may be taken (false if the queue was completed).</summary>
    public ValueTask<bool> WaitForInvokeAsync(CancellationToken cancellationToken) => _invokes.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes the next invocation and makes it the current one; null if another /next took it first.</summary>
    public Frame? TryTake()
    {
        lock (_gate)
        {
            if (!_invokes.Reader.TryRead(out var invoke))
            {
                return null;
            }

            _state = RuntimeState.Running;
            _requestId = invoke.Header("request-id");
            return invoke;
        }
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
}
