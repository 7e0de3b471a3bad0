// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Nimbus.Execution.Sandboxes.Network;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// Picks the backend of the <c>Sandbox</c> setting. <c>auto</c>: runc when it is installed and Nimbus runs as root
/// (with slirp4netns when functions get outbound network), else bwrap when bubblewrap is installed and may create
/// user namespaces, else process, with the reasons and what to install.
/// </summary>
internal static class SandboxSelection
{
    public const string RuncDescription = "each environment is an OCI container with Lambda's limits";

    public const string BwrapDescription =
        "each environment in its own user, pid and mount namespaces: read-only root, private /tmp, no capabilities; "
        + "no memory or CPU limits (they need a cgroup this user may write); with outbound network it shares the host's network";

    public const string ProcessChosenDescription =
        "chosen by the Sandbox setting: functions run as host processes, without isolation or resource limits";

    public const string ProcessFallbackDescription = "functions run as host processes, without isolation or resource limits";

    public static SandboxChoice Choose(ExecutionOptions options, string workDirectory, ILoggerFactory loggers)
    {
        switch (options.Sandbox)
        {
            case "process":
                return new SandboxChoice(new ProcessSandboxFactory(Path.Combine(workDirectory, "env")), ProcessChosenDescription, null);
            case "runc":
                return new SandboxChoice(CreateRunc(options, workDirectory, loggers), RuncDescription, null);
            case "bwrap":
                return new SandboxChoice(BwrapSandboxFactory.Create(workDirectory, loggers.CreateLogger<BwrapSandboxFactory>()), BwrapDescription, null);
            case "auto":
                break;
            default:
                throw new InvalidOperationException($"Unknown sandbox backend '{options.Sandbox}'; use 'auto', 'runc', 'bwrap' or 'process'.");
        }

        var runc = RuncUnusable(options);
        if (runc is null)
        {
            return new SandboxChoice(CreateRunc(options, workDirectory, loggers), RuncDescription, null);
        }

        var install = RuncInstallHint();
        if (BwrapSandboxFactory.IsSupported(out var bwrap))
        {
            return new SandboxChoice(
                BwrapSandboxFactory.Create(workDirectory, loggers.CreateLogger<BwrapSandboxFactory>()),
                BwrapDescription,
                $"not runc: {runc}; for containers with Lambda's memory and CPU limits: {install}");
        }

        return new SandboxChoice(
            new ProcessSandboxFactory(Path.Combine(workDirectory, "env")),
            ProcessFallbackDescription,
            $"not runc: {runc}; not bwrap: {bwrap}; to isolate functions: {install} (or, without root, apt-get install bubblewrap)");
    }

    private static RuncSandboxFactory CreateRunc(ExecutionOptions options, string workDirectory, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<RuncSandboxFactory>();
        var network = options.SharedNetwork && SharedNetwork.Find() is { } executable ? new SharedNetwork(executable, logger) : null;
        return RuncSandboxFactory.Create(workDirectory, logger, network);
    }

    /// <summary>Exactly what would make runc usable: the packages missing, and root.</summary>
    private static string RuncInstallHint()
    {
        var missing = new List<string>();
        foreach (var package in (string[])["runc", "slirp4netns", "tini"])
        {
            if (HostExecutable.Find(package) is null)
            {
                missing.Add(package);
            }
        }

        var install = $"apt-get install {string.Join(' ', missing)}";
        if (Environment.IsPrivilegedProcess)
        {
            return missing.Count > 0 ? install : "a mounted /sys/fs/cgroup";
        }

        return missing.Count > 0 ? $"run Nimbus as root, with {string.Join(", ", missing)} installed ({install})" : "run Nimbus as root";
    }

    /// <summary>Why runc cannot serve this configuration, or null when it can.</summary>
    private static string? RuncUnusable(ExecutionOptions options)
    {
        if (!RuncSandboxFactory.IsSupported(out var reason))
        {
            return reason;
        }

        var sharedNetwork = options.SharedNetwork && SharedNetwork.Find() is not null;
        return options.OutboundNetwork && !sharedNetwork && !RuncSandboxFactory.CanNat
            ? "slirp4netns is not installed (functions' outbound network needs it)"
            : null;
    }
}
