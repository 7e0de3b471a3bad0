// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
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
