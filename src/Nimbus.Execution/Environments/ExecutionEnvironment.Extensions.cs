// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Sockets;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Environments;

/// <summary>
/// The extensions' part of an environment's life (AWS's extensions API page): the post-invoke phase, during which
/// the caller already has its answer but the next invocation waits; and the shutdown, which gives extensions a
/// SHUTDOWN event and 2 s (500 ms with internal extensions only) before the sandbox is killed.
/// </summary>
internal sealed partial class ExecutionEnvironment
{
    private const int ExternalShutdownMs = 2000;
    private const int InternalShutdownMs = 500;

    private int _invokeExtensions;
    private int _externalExtensions;
    private int _internalExtensions;
    private bool _killed;
    private string? _shutdownReason;
    private TaskCompletionSource? _postInvoke;
    private DateTimeOffset _postInvokeDeadline;
    private bool _postInvokeEnded;
    private Action<bool>? _postInvokeReport;

    /// <summary>Whose log stream output that arrives after the last invocation (a shutdown's) belongs to.</summary>
    public (Core.Arns.Scope Scope, Core.Functions.FunctionVersion Function)? Owner { get; set; }

    /// <summary>True when extensions registered for INVOKE: each invocation has a post-invoke phase.</summary>
    public bool HasInvokeExtensions => Volatile.Read(ref _invokeExtensions) > 0;

    /// <summary>True when extensions registered: the shutdown waits for them.</summary>
    public bool HasExtensions => Volatile.Read(ref _externalExtensions) + Volatile.Read(ref _internalExtensions) > 0;

    /// <summary>
    /// Waits for the previous invocation's post-invoke phase (until that invocation's deadline). True when the
    /// environment can take an invocation; false when it is dead or the phase overran (the environment is reset).
    /// </summary>
    public async ValueTask<bool> SettledAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        TaskCompletionSource? pending;
        DateTimeOffset deadline;
        lock (_lock)
        {
            pending = _postInvoke;
            deadline = _postInvokeDeadline;
        }

        if (pending is not null && !pending.Task.IsCompleted)
        {
            var left = deadline - time.GetUtcNow();
            try
            {
                await pending.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                lock (_lock)
                {
                    _state = EnvironmentState.Dead;
                    _shutdownReason = "timeout";
                }

                EndPostInvoke(overran: true);
                return false;
            }
        }

        return State == EnvironmentState.Idle;
    }

    /// <summary>
    /// The invocation ran out of time. Without extensions the sandbox is killed at once; with them the environment is
    /// reset as AWS does: dead for invocations, and its disposal kills the runtime, then gives the extensions SHUTDOWN
    /// with reason timeout and their budget.
    /// </summary>
    private void TimedOut()
    {
        if (!HasExtensions)
        {
            Kill();
            return;
        }

        lock (_lock)
        {
            _state = EnvironmentState.Dead;
            _shutdownReason = "timeout";
        }
    }

    /// <summary>Under the lock, at an invocation's start: with INVOKE extensions, its post-invoke phase begins.</summary>
    private void BeginPostInvoke(DateTimeOffset deadline)
    {
        if (_invokeExtensions > 0)
        {
            _postInvoke = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _postInvokeDeadline = deadline;
            _postInvokeEnded = false;
            _postInvokeReport = null;
        }
    }

    /// <summary>
    /// After the runtime answered: when the invocation's post-invoke phase still runs, <paramref name="report"/> is kept
    /// and called when it ends (its argument: true when it overran its deadline), before the next invocation may start,
    /// so the invocation's END and REPORT can count the extensions' time as AWS's Duration does. False when the phase
    /// is over (or there is none): the caller reports now.
    /// </summary>
    public bool DeferReport(Action<bool> report)
    {
        lock (_lock)
        {
            if (_postInvoke is null || _postInvokeEnded)
            {
                return false;
            }

            _postInvokeReport = report;
            return true;
        }
    }

    /// <summary>The post-invoke phase is over (done, overran, or the environment failed): the deferred report, then whoever waits.</summary>
    private void EndPostInvoke(bool overran)
    {
        TaskCompletionSource? pending;
        Action<bool>? report;
        lock (_lock)
        {
            pending = _postInvoke;
            report = _postInvokeReport;
            _postInvokeReport = null;
            _postInvokeEnded = true;
        }

        report?.Invoke(overran);
        pending?.TrySetResult();
    }

    /// <summary>The Ready frame says which extensions registered.</summary>
    private void OnReady(Frame ready)
    {
        lock (_lock)
        {
            _invokeExtensions = Count(ready, FrameHeaders.InvokeExtensions);
            _externalExtensions = Count(ready, FrameHeaders.ExternalExtensions);
            _internalExtensions = Count(ready, FrameHeaders.InternalExtensions);
        }
    }

    /// <summary>An answer that ends the post-invoke phase too (its extensions were already waiting): before the caller hears of it.</summary>
    private void SettleWith(Frame answer)
    {
        if (answer.Header(FrameHeaders.PostInvokeDone) is not null)
        {
            OnInvokeDone();
        }
    }

    private void OnInvokeDone() => EndPostInvoke(overran: false);

    /// <summary>
    /// SHUTDOWN to the extensions through nimbus-init, then wait for it to exit within the budget and for its last
    /// frames (the extensions' output) to be read. Nothing to do without extensions or after a kill.
    /// </summary>
    private async Task ShutdownExtensionsAsync()
    {
        string reason;
        int graceMs;
        lock (_lock)
        {
            if (_killed || _externalExtensions + _internalExtensions == 0)
            {
                return;
            }

            reason = _shutdownReason ?? "spindown";
            graceMs = _externalExtensions > 0 ? ExternalShutdownMs : InternalShutdownMs;
            _state = EnvironmentState.Dead;
        }

        try
        {
            await SendAsync(
                new Frame(FrameType.Shutdown, [new(FrameHeaders.GraceMs, graceMs.ToString(CultureInfo.InvariantCulture)), new(FrameHeaders.Reason, reason)]),
                CancellationToken.None);

            // nimbus-init kills what is left at the budget's end; the margin covers its own exit.
            await _sandbox.Exited.WaitAsync(TimeSpan.FromMilliseconds(graceMs + 1000));
            if (_readLoop is not null)
            {
                await _readLoop.WaitAsync(TimeSpan.FromSeconds(1));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or TimeoutException)
        {
            // nimbus-init is gone or late: the kill that follows ends it.
        }
    }

    private static int Count(Frame frame, string name) =>
        int.TryParse(frame.Header(name), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
}
