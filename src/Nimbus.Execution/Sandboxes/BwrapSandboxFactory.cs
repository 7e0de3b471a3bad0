// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The <c>bwrap</c> backend (bubblewrap, Debian's <c>bubblewrap</c>): isolation without root, from user namespaces.
/// Each environment gets its own user, pid, mount, ipc, uts and cgroup namespaces; a root made of read-only binds of
/// the host's /usr (and its neighbours), the generated /etc of the runc backend, /var/task, /opt (layers) and
/// /var/runtime read-only; a private tmpfs /tmp of EphemeralStorage; uid 993 without capabilities. nimbus-init
/// connects to its host socket bound in, exactly as in a runc container. Without outbound network it has its own
/// network namespace (loopback only, Nimbus's API through nimbus-init's bridge); with it, it shares the host's
/// network (bubblewrap has no NAT of its own). No memory or CPU limits: those need a cgroup the user may write,
/// which an unprivileged user does not get here; the server says so at start.
/// </summary>
internal sealed class BwrapSandboxFactory : ISandboxFactory
{
    private readonly string _bwrap;
    private readonly string _environments;
    private readonly string _etc;
    private readonly ILogger _logger;

    private BwrapSandboxFactory(string bwrap, string workDirectory, ILogger logger)
    {
        _bwrap = bwrap;
        _environments = Path.Combine(workDirectory, "env");
        _etc = Path.Combine(workDirectory, "bwrap-etc");
        _logger = logger;
    }

    public string Name => "bwrap";

    /// <summary>
    /// Whether bwrap is installed and may create user namespaces here (a kernel or AppArmor setting can forbid
    /// it): a trial run of <c>/bin/true</c>. <paramref name="reason"/> says why not, for the start-up message.
    /// </summary>
    public static bool IsSupported(out string reason)
    {
        var bwrap = HostExecutable.Find("bwrap");
        if (bwrap is null)
        {
            reason = "bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)";
            return false;
        }

        var start = new ProcessStartInfo(bwrap)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--unshare-user", "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "/bin/true"])
        {
            start.ArgumentList.Add(argument);
        }

        using var trial = Process.Start(start);
        if (trial is null)
        {
            reason = $"{bwrap} could not be started";
            return false;
        }

        var error = trial.StandardError.ReadToEnd().Trim();
        trial.WaitForExit();
        if (trial.ExitCode != 0)
        {
            reason = $"bwrap cannot create user namespaces here ({error})";
            return false;
        }

        reason = "";
        return true;
    }

    /// <summary>Creates the backend: the shared /etc and the environments' directory under the work directory.</summary>
    public static BwrapSandboxFactory Create(string workDirectory, ILogger logger)
    {
        var bwrap = HostExecutable.Find("bwrap")
            ?? throw new InvalidOperationException("The bwrap sandbox needs bubblewrap (Debian/Ubuntu: apt-get install bubblewrap).");
        var factory = new BwrapSandboxFactory(bwrap, Path.GetFullPath(workDirectory), logger);
        Directory.CreateDirectory(factory._environments);
        RuncBundle.WriteEtc(factory._etc);
        return factory;
    }

    public Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var root = Path.Combine(_environments, spec.EnvironmentId);
        Directory.CreateDirectory(root);
        var ownNetwork = !spec.OutboundNetwork;
        var start = new ProcessStartInfo(_bwrap)
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        foreach (var argument in BwrapArguments.For(spec, _etc, ownNetwork))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SandboxStartException($"could not start {_bwrap}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SandboxStartException($"could not start {_bwrap}: {e.Message}", e);
        }

        // With its own network the runtime reaches Nimbus through nimbus-init's bridge on the sandbox's loopback;
        // on the host's network, at the server's own address (and the Runtime API on a free port).
        var paths = new SandboxPaths("/var/task", "/var/runtime", "/tmp", ownNetwork && RuncBundle.HasPlatformSocket(spec) ? "http://" + RuncConfigWriter.PlatformBridge : null);
        BwrapLog.Started(_logger, spec.EnvironmentId, process.Id, ownNetwork ? "own network" : "host network");
        return Task.FromResult<ISandbox>(new BwrapSandbox(process, root, spec.EnvironmentId, paths, _logger));
    }
}
