// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Nimbus.Core.Threading;
using Nimbus.Execution.Sandboxes;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Environments;

internal sealed partial class ExecutionEnvironment
{
    /// <summary>
    /// How long a restored environment's nimbus-init may take to have its runtime forked into the container. The
    /// template gives up on a child that does not enter within 10 s (_nimbus_snapstart.ENTER_LIMIT_SECONDS) and says
    /// so; this only guards against a template that does not answer at all.
    /// </summary>
    private static readonly TimeSpan s_preforkLimit = TimeSpan.FromSeconds(30);

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
    private async Task AwaitPreforkAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        Frame? frame;
        using (var limit = new CancellationTokenSource(s_preforkLimit, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token))
        {
            try
            {
                if ((await _reader.ReadAsync(linked.Token))?.Type != FrameType.Hello)
                {
                    throw new SandboxStartException("nimbus-init did not greet the host");
                }

                frame = await _reader.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new SandboxStartException($"the SnapStart template did not fork the runtime into the environment within {s_preforkLimit.TotalSeconds} s");
            }
        }

        // Adopting moves a process into a cgroup and looks through /proc (~10 ms): not on an event thread (EventThreads).
        await EventThreads.Leave();
        if (frame?.Type == FrameType.Adopted)
        {
            // A runtime the sandbox refuses (not locked down, or not found where the template put it) ended the
            // container: the environment, a spare or not, is not handed out.
            if (!Adopt(frame))
            {
                throw new SandboxStartException("the SnapStart runtime forked into the environment failed the host's checks (see the server log)");
            }

            return;
        }

        var reason = frame?.Type == FrameType.Log ? System.Text.Encoding.UTF8.GetString(frame.Body.Span).Trim() : "no answer";
        throw new SandboxStartException("the SnapStart runtime could not be forked into the environment: " + reason);
    }

    /// <summary>
    /// nimbus-init's <see cref="FrameType.Adopted"/>: the sandbox takes the runtime the template forked (its pid in the
    /// frame). False when the frame names no pid or the sandbox refused the runtime (and ended the environment).
    /// </summary>
    private bool Adopt(Frame frame) =>
        int.TryParse(frame.Header(FrameHeaders.Pid), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
        && _sandbox.Adopted(pid);

    /// <summary>
    /// A pre-initialized SnapStart spare (java, dotnet; its runtime waits in /runtime/restore/next) is taken: its start
    /// time is now's (its <see cref="LifetimeStart"/> stays its making's: its credentials are that old), it gets the usual CPU share, and its runtime's restore phase begins (after-restore hooks, then
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
            LifetimeStart = now;
            LastUsed = now;
        }

        await SendStartAsync(launch, stemCell: false, cancellationToken);
        _readLoop = ReadLoopAsync();
    }
}
