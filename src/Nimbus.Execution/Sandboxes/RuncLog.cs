// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Sandboxes;

/// <summary>Log messages of the runc backend (event ids 3400–3499).</summary>
internal static partial class RuncLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Warning, Message = "{Program} {Arguments} failed with status {ExitCode}: {Error}")]
    public static partial void CommandFailed(ILogger logger, string program, string arguments, int exitCode, string error);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Environment {EnvironmentId}: nimbus-init: {Line}")]
    public static partial void InitOutput(ILogger logger, string environmentId, string line);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Debug, Message = "Environment {EnvironmentId}: slirp4netns: {Line}")]
    public static partial void NetworkOutput(ILogger logger, string environmentId, string line);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Information, Message = "runc sandboxes: removed {Containers} containers, {Bundles} bundles, {Cgroups} cgroups and {Processes} slirp4netns processes left by a previous run")]
    public static partial void Swept(ILogger logger, int containers, int bundles, int cgroups, int processes);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Warning, Message = "runc sandboxes: could not remove {Path}")]
    public static partial void SweepFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Warning, Message = "Environment {EnvironmentId}: teardown incomplete: {What}")]
    public static partial void TeardownIncomplete(ILogger logger, string environmentId, string what);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Warning, Message = "Environment {EnvironmentId}: could not apply the CPU quota")]
    public static partial void CpuQuotaFailed(ILogger logger, Exception exception, string environmentId);

    [LoggerMessage(EventId = 3408, Level = LogLevel.Debug, Message = "runc sandboxes: {Path} is in use (another Nimbus's container?); left alone")]
    public static partial void CgroupInUse(ILogger logger, string path);

    [LoggerMessage(EventId = 3407, Level = LogLevel.Debug, Message = "Environment {EnvironmentId}: container started in {Milliseconds} ms (runc {CreateMilliseconds} ms, then its network {RestMilliseconds} ms)")]
    public static partial void Started(ILogger logger, string environmentId, long milliseconds, long createMilliseconds, long restMilliseconds);

    [LoggerMessage(EventId = 3409, Level = LogLevel.Information, Message = "runc sandboxes: removed {Cgroups} cgroups or SnapStart container roots and {Processes} stranded runc init processes of Nimbus containers no server owns any more (servers killed without a stop)")]
    public static partial void SweptStale(ILogger logger, int cgroups, int processes);

    [LoggerMessage(EventId = 3410, Level = LogLevel.Warning, Message = "runc sandbox {EnvironmentId}: the SnapStart runtime {Pid} could not be moved into its container's cgroup ({Reason}); the environment is ended")]
    public static partial void AdoptionFailed(ILogger logger, string environmentId, int pid, string reason);

    [LoggerMessage(EventId = 3411, Level = LogLevel.Information, Message = "runc sandboxes: the cgroup lock is no longer kept ready during container starts ({Reason}); a start may wait for an RCU grace period, as without it")]
    public static partial void CgroupWarmerStopped(ILogger logger, string reason);

    [LoggerMessage(EventId = 3414, Level = LogLevel.Information, Message = "{Line}")]
    public static partial void SharedNetworkOutput(ILogger logger, string line);

    [LoggerMessage(EventId = 3415, Level = LogLevel.Warning, Message = "nimbus-net, the sandboxes' network, ended ({How}); a new one takes over the {Sandboxes} sandboxes' networks (their open connections are lost)")]
    public static partial void SharedNetworkEnded(ILogger logger, string how, int sandboxes);

    [LoggerMessage(EventId = 3416, Level = LogLevel.Error, Message = "nimbus-net, the sandboxes' network, could not be started again; it is tried again in a second")]
    public static partial void SharedNetworkRestartFailed(ILogger logger, Exception exception);
}
