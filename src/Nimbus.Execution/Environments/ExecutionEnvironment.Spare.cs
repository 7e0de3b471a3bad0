// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Nimbus.Init.Protocol;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Environments;

internal sealed partial class ExecutionEnvironment
{
    /// <summary>
    /// A spare for a SnapStart version (docs/cold-starts.md#snapstart): its sandbox started and nimbus-init connected,
    /// no runtime yet. <see cref="StartSpareAsync"/> later makes it a new environment of the version.
    /// </summary>
    public static Task<ExecutionEnvironment> PrepareSpareAsync(
        ISandboxFactory sandboxes,
        SandboxSpec spec,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken) =>
        ConnectAsync(sandboxes, spec, launch: null, stemCell: false, "", time, logger, cancellationToken);

    /// <summary>
    /// Under runc a SnapStart spare's nimbus-init has its runtime forked into the container at once; it answers with
    /// the runtime's pid, and the runtime moves into the container's cgroup now, before the spare is taken (a cgroup
    /// move waits for an RCU grace period, ~10 ms here, which a restore should not).
    /// </summary>
    private async Task AwaitPreforkAsync(CancellationToken cancellationToken)
    {
        var frame = await _reader.ReadAsync(cancellationToken);
        if (frame?.Type == FrameType.Adopted
            && int.TryParse(frame.Header(FrameHeaders.Pid), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
        {
            _sandbox.Adopted(pid);
            return;
        }

        var reason = frame?.Type == FrameType.Log ? System.Text.Encoding.UTF8.GetString(frame.Body.Span).Trim() : "no answer";
        throw new SandboxStartException("the SnapStart runtime could not be forked into the spare: " + reason);
    }

    /// <summary>
    /// A pre-initialized SnapStart spare (java, dotnet; its runtime waits in /runtime/restore/next) is taken: its start
    /// time is now's, it gets the usual CPU share, and its runtime's restore phase begins (after-restore hooks, then
    /// /next); <see cref="Initialized"/> then completes when that phase ends.
    /// </summary>
    public async Task BeginRestoreAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            StartedAt = now;
            LastUsed = now;
        }

        _sandbox.Foreground();
        Volatile.Write(ref _restore, new TaskCompletionSource<RuntimeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (State == EnvironmentState.Dead)
        {
            // Died while it waited: FailAll may have run before the restore's outcome existed.
            _restore!.TrySetResult(new RuntimeOutcome(OutcomeKind.Exited, ExitDescription: "Runtime exited without providing a reason")); // Set above.
            return;
        }

        await SendAsync(new Frame(FrameType.Restore, []), cancellationToken);
    }

    /// <summary>A spare becomes an environment: its log stream and start time are now's, and its runtime starts.</summary>
    public async Task StartSpareAsync(RuntimeLaunch launch, string logStreamName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        LogStreamName = logStreamName;
        lock (_lock)
        {
            StartedAt = now;
            LastUsed = now;
        }

        await SendStartAsync(launch, stemCell: false, cancellationToken);
        _readLoop = ReadLoopAsync();
    }
}
