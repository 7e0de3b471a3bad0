// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Environments;

internal sealed partial class ExecutionEnvironment
{
    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _reader.ReadAsync(CancellationToken.None) is { } frame)
            {
                await DispatchAsync(frame);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidDataException or EndOfStreamException)
        {
            Log.ConnectionLost(_logger, ex, Id);
        }

        DrainDirectOutput();
        FailAll(_exit);
    }

    /// <summary>
    /// One frame from nimbus-init, or from the server's own Runtime API once the runtime's connection was handed over
    /// (<see cref="DirectRuntimeApi"/>): the same outcomes either way.
    /// </summary>
    private async ValueTask DispatchAsync(Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Log:
                Output.Append(frame.Body.Span);
                break;
            case FrameType.Ready:
                OnReady(frame);
                Phase.TrySetResult(new RuntimeOutcome(OutcomeKind.Ready));
                break;
            case FrameType.Waiting:
                _waiting.TrySetResult();
                break;
            case FrameType.Adopted:
                // The process sandbox's restore (runc's is taken before this loop runs: AwaitPreforkAsync);
                // a refused runtime's sandbox is ended, which ends this loop.
                _ = Adopt(frame);
                break;
            case FrameType.InvokeDone:
                OnInvokeDone();
                break;
            case FrameType.InitError:
                Phase.TrySetResult(new RuntimeOutcome(OutcomeKind.InitError, frame.Body, frame.Header(FrameHeaders.ErrorType) ?? "Runtime.Unknown"));
                break;
            case FrameType.Response:
                SettleWith(frame);
                Complete(frame, new RuntimeOutcome(OutcomeKind.Success, frame.Body, ContentType: frame.Header(FrameHeaders.ContentType)));
                break;
            case FrameType.Error:
                SettleWith(frame);
                Complete(frame, new RuntimeOutcome(OutcomeKind.FunctionError, frame.Body, frame.Header(FrameHeaders.ErrorType) ?? "Runtime.Unknown"));
                break;
            case FrameType.ResponseStart:
                await OnResponseStartAsync(frame);
                break;
            case FrameType.ResponseChunk:
                await OnResponseChunkAsync(frame);
                break;
            case FrameType.ResponseEnd:
                OnResponseEnd(frame);
                break;
            case FrameType.Exited when frame.Header(FrameHeaders.ExtensionName) is { } extension:
                FailAll(
                    frame.Header(FrameHeaders.Signal) is { } killedBy
                        ? $"Extension {extension} exited with error: signal: {SignalName(killedBy)}"
                        : $"Extension {extension} exited with error: exit status {frame.Header(FrameHeaders.Status) ?? "unknown"}",
                    frame.Header(FrameHeaders.ErrorType) ?? "Extension.Crash");
                break;
            case FrameType.Exited:
                _exit = frame.Header(FrameHeaders.Signal) is { } signal
                    ? $"Runtime exited with error: signal: {SignalName(signal)}"
                    : $"Runtime exited with error: exit status {frame.Header(FrameHeaders.Status) ?? "unknown"}";
                if (frame.Header(FrameHeaders.Status) == "0")
                {
                    _exit = "Runtime exited without providing a reason";
                }

                // What the runtime wrote before it ended comes before the failure (nimbus-init's frames carry it
                // only while it reads the pipes).
                DrainDirectOutput();
                FailAll(_exit);
                break;
            case FrameType.Handover:
                TakeHandover(frame);
                break;
            case FrameType.Invoke:
                // Sent to nimbus-init as it handed the runtime over: delivered here.
                DeliverReturned(frame);
                break;
            default:
                break;
        }
    }

    /// <summary>The runtime (or nimbus-init) is gone: whoever waits learns it, and the environment is never used again.</summary>
    private void FailAll(string description, string? errorType = null)
    {
        TaskCompletionSource<RuntimeOutcome>? current;
        bool streamed;
        lock (_lock)
        {
            _state = EnvironmentState.Dead;
            _shutdownReason ??= "failure";
            current = _current;
            streamed = _streamed is { Delivered: true };
        }

        EndPostInvoke(overran: false);
        var exited = new RuntimeOutcome(OutcomeKind.Exited, ErrorType: errorType, ExitDescription: description, Streamed: streamed);
        _initialized.TrySetResult(exited);
        Volatile.Read(ref _restore)?.TrySetResult(exited);
        current?.TrySetResult(exited);
    }

    private void Complete(Frame frame, RuntimeOutcome outcome)
    {
        TaskCompletionSource<RuntimeOutcome>? current;
        lock (_lock)
        {
            current = _currentRequestId is not null && _currentRequestId == frame.Header(FrameHeaders.RequestId) ? _current : null;
        }

        current?.TrySetResult(outcome);
    }

    private static string SignalName(string number) => number switch
    {
        "9" => "killed",
        "11" => "segmentation fault",
        "6" => "aborted",
        "15" => "terminated",
        _ => $"signal {number}",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Environment {EnvironmentId}: connection to nimbus-init lost")]
        public static partial void ConnectionLost(ILogger logger, Exception exception, string environmentId);
    }
}
