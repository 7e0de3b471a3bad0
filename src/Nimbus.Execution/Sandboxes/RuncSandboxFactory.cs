// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nimbus.Execution.Sandboxes.Network;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The <c>runc</c> backend: each environment is an OCI container run by the host's runc, with its own pid, mount,
/// ipc, uts, network and cgroup namespaces, a read-only root, uid 993 without capabilities, a seccomp filter and
/// cgroup limits (memory = MemorySize without swap, CPU = MemorySize/1,769 of a vCPU after init, 1,024 pids).
/// Everything it makes on the host is under the work directory (runc's state root <c>runc/</c>, bundles
/// <c>env/&lt;id&gt;/</c>, the shared <c>runc-etc/</c>) or named by the environment id (cgroups <c>/nimbus/&lt;id&gt;</c>,
/// containers <c>nimbus-&lt;id&gt;</c>), and a sweep at creation removes what a previous run of this work directory left.
/// </summary>
internal sealed class RuncSandboxFactory : IStemCellSandboxFactory, IDisposable
{
    public const string ContainerPrefix = "nimbus-";

    /// <summary>How old an empty container cgroup of another work directory must be before a sweep removes it.</summary>
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    private readonly string _runc;
    private readonly string? _slirp4netns;
    private readonly SharedNetwork? _sharedNetwork;
    private readonly string _stateRoot;
    private readonly string _bundles;
    private readonly string _etc;
    private readonly ILogger _logger;

    private RuncSandboxFactory(string runc, string? slirp4netns, SharedNetwork? sharedNetwork, string workDirectory, RuncCgroups cgroups, ILogger logger)
    {
        _runc = runc;
        _slirp4netns = slirp4netns;
        _stateRoot = Path.Combine(workDirectory, "runc");
        _sharedNetwork = sharedNetwork;
        _bundles = Path.Combine(workDirectory, "env");
        _etc = Path.Combine(workDirectory, "runc-etc");
        Cgroups = cgroups;
        _logger = logger;
        CgroupLock = new CgroupLockWarmer(cgroups.OwnProcsFile, RuncCgroups.WhyNotWarmable, logger);
    }

    public string Name => "runc";

    public RuncCgroups Cgroups { get; }

    /// <summary>Kept ready while a container starts, so that runc's cgroup move does not wait for the kernel.</summary>
    public CgroupLockWarmer CgroupLock { get; }

    /// <summary>runc's state directory (<c>runc --root</c>): only containers of this work directory are in it.</summary>
    public string StateRoot => _stateRoot;

    /// <summary>Ends nimbus-net (the server's end does too, however it ends).</summary>
    public void Dispose() => _sharedNetwork?.Dispose();

    /// <summary>nimbus-net, every sandbox's network, or null when each gets a slirp4netns.</summary>
    public SharedNetwork? SharedNetwork => _sharedNetwork;

    /// <summary>True when slirp4netns, which gives containers their outbound network, is installed.</summary>
    public static bool CanNat => FindExecutable("slirp4netns") is not null;

    /// <summary>
    /// Whether this host can run the backend: runc on PATH (or in /usr/sbin, /usr/bin) and root. <c>auto</c>
    /// picks runc exactly then; <paramref name="reason"/> says why not, for the start-up message.
    /// </summary>
    public static bool IsSupported(out string reason)
    {
        if (FindExecutable("runc") is null)
        {
            reason = "runc is not installed";
            return false;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            reason = "Nimbus does not run as root";
            return false;
        }

        if (!Directory.Exists("/sys/fs/cgroup"))
        {
            reason = "/sys/fs/cgroup is not mounted";
            return false;
        }

        reason = "";
        return true;
    }

    /// <summary>Creates the backend and sweeps what a previous run of this work directory left.</summary>
    /// <param name="sharedNetwork">nimbus-net, every sandbox's network in one process; null: a slirp4netns per sandbox.</param>
    public static RuncSandboxFactory Create(string workDirectory, ILogger logger, SharedNetwork? sharedNetwork = null)
    {
        var runc = FindExecutable("runc")
            ?? throw new InvalidOperationException("The runc sandbox needs runc (Debian: apt-get install runc).");
        var factory = new RuncSandboxFactory(runc, FindExecutable("slirp4netns"), sharedNetwork, Path.GetFullPath(workDirectory), RuncCgroups.Detect(), logger);
        factory.Sweep();
        Directory.CreateDirectory(factory._bundles);
        Directory.CreateDirectory(factory._stateRoot);
        RuncBundle.WriteEtc(factory._etc);
        return factory;
    }

    public async Task<ISandbox> StartAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        if (spec.OutboundNetwork && _slirp4netns is null && _sharedNetwork is null)
        {
            throw new SandboxStartException("outbound network needs slirp4netns (Debian: apt-get install slirp4netns)");
        }

        var clock = Stopwatch.StartNew();

        // From here until runc has moved the container's init into its cgroups (it has when `run --detach` or
        // `create` exits): the writing of the bundle and runc's own start overlap the lock's grace period.
        using var cgroupLock = CgroupLock.Enter();
        var bundle = Path.Combine(_bundles, spec.EnvironmentId);
        var containerId = ContainerPrefix + spec.EnvironmentId;
        var holder = spec.Restore is { } restore ? await StartHolderAsync(restore, cancellationToken) : null;
        if (holder is not null)
        {
            spec = spec with { JoinedNamespaces = holder.Namespaces };
        }

        try
        {
            RuncBundle.Write(bundle, _etc, spec, Cgroups);
        }
        catch
        {
            holder?.Kill();
            RemoveLeftovers(spec.EnvironmentId, bundle);
            throw;
        }

        // The container's init inherits this process's stdio: its output is forwarded to the log and the pipes'
        // end tells when the container is gone (RuncSandbox). One `runc run --detach` rather than create then start:
        // one runc process (a Go runtime's start) fewer, and tini and nimbus-init start while slirp4netns configures
        // the network below. The runtime still never runs without its network: nimbus-init starts it only when the host
        // sends Start, and the host accepts nimbus-init's connection only once this returns (ExecutionEnvironment).
        // A sandbox in joined namespaces keeps create, then start: its host-made processes are set up in between
        // (docs/cold-starts.md, SnapStart under runc).
        var detached = spec.JoinedNamespaces is null;
        Process run;
        try
        {
            run = Process.Start(RuncCommand.CreateStartInfo(_runc, ["--root", _stateRoot, .. (detached ? (string[])["run", "--detach"] : ["create"]), "--bundle", bundle, containerId]))
                ?? throw new SandboxStartException($"could not start {_runc}");
        }
        catch
        {
            holder?.Kill();
            RemoveLeftovers(spec.EnvironmentId, bundle);
            throw;
        }

        // The sandbox keeps the pipes' raw streams, not the Process: its readers' buffers are not held for the sandbox's
        // life. The Process is disposed when this method returns: runc has exited by then (awaited below, or killed and
        // awaited by the sandbox's disposal on failure); disposed earlier, the exit task given to the sandbox would never complete.
        using var disposedOnReturn = run;
        run.StandardInput.Close();
        var sandbox = new RuncSandbox(this, spec, bundle, run.StandardOutput.BaseStream, run.StandardError.BaseStream, run.WaitForExitAsync(CancellationToken.None), _logger);
        if (holder is not null)
        {
            // Killed with the sandbox from here on, whatever happens next.
            sandbox.Holding(holder);
        }

        try
        {
            try
            {
                await run.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                RuncCommand.KillTree(run);
                throw;
            }

            cgroupLock.Dispose();

            if (run.ExitCode != 0)
            {
                // A failed run leaves nothing holding the pipes (or a dead init): its messages are all there shortly.
                await Task.WhenAny(sandbox.Exited, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
                throw new SandboxStartException($"runc {(detached ? "run" : "create")} failed with status {run.ExitCode}: {sandbox.StartOutput}");
            }

            var created = clock.ElapsedMilliseconds;
            var pid = await ReadInitPidAsync(containerId, cancellationToken);
            sandbox.Created(pid);
            if (holder is not null)
            {
                sandbox.Joined(holder);
            }
            IAsyncDisposable? network = null;
            if (spec.OutboundNetwork)
            {
                network = _sharedNetwork is not null
                    ? _sharedNetwork.Attach(sandbox.Init!)
                    : await RuncNetwork.StartAsync(_slirp4netns!, pid, _stateRoot, spec.EnvironmentId, _logger, cancellationToken);
            }

            sandbox.Started(network);
            if (!detached)
            {
                var start = await RuncCommand.RunAsync(_runc, ["--root", _stateRoot, "start", containerId], _logger, cancellationToken);
                if (!start.Succeeded)
                {
                    throw new SandboxStartException($"runc start failed with status {start.ExitCode}: {start.StandardError.Trim()}");
                }
            }

            RuncLog.Started(_logger, spec.EnvironmentId, clock.ElapsedMilliseconds, created, clock.ElapsedMilliseconds - created);
            return sandbox;
        }
        catch
        {
            cgroupLock.Dispose();
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The container's init pid, from the state runc saved before it exited (<c>init_process_pid</c> in
    /// <c>&lt;root&gt;/&lt;id&gt;/state.json</c>). Not <c>--pid-file</c>: runc writes that file with O_SYNC, which cost
    /// 0.5–7.8 ms per start on this ext4 disk (bench/README.md, 2026-12-04).
    /// </summary>
    private async Task<int> ReadInitPidAsync(string containerId, CancellationToken cancellationToken)
    {
        var state = await File.ReadAllBytesAsync(Path.Combine(_stateRoot, containerId, "state.json"), cancellationToken);
        return RuncState.InitPid(state)
            ?? throw new SandboxStartException($"runc's state of {containerId} has no init_process_pid");
    }

    /// <summary>The namespaces a SnapStart container joins, nested in its template's pid namespace.</summary>
    private static async Task<RuncNamespaceHolder> StartHolderAsync(SnapshotRestore restore, CancellationToken cancellationToken)
    {
        if (restore.Template is not RuncSandbox { InitPid: > 0 } template || template.Exited.IsCompleted)
        {
            throw new SandboxStartException("the SnapStart template's container is not running");
        }

        return await RuncNamespaceHolder.StartAsync(restore.HolderPython, template.InitPid, cancellationToken);
    }

    /// <summary><c>runc delete -f</c>: kills what is left of the container and removes its state and cgroups.</summary>
    public async Task DeleteContainerAsync(string containerId, CancellationToken cancellationToken)
    {
        // A container that was never created fails with "does not exist", which only the log needs to know.
        await RuncCommand.RunAsync(_runc, ["--root", _stateRoot, "delete", "-f", containerId], _logger, cancellationToken);
    }

    /// <summary>
    /// Removes any cgroup directory runc did not (it normally does), then the environment's bundle: the bundle goes
    /// last because its name is what tells the next start's sweep that the cgroups are this directory's.
    /// </summary>
    public void RemoveLeftovers(string environmentId, string bundle)
    {
        // A stem cell's mounts (its shared mount point, the function's code and layers, its /tmp) go first: the
        // recursive delete below must never walk into a function's code.
        HostMounts.DetachBelow(bundle);
        try
        {
            RuncBundle.RemoveJoinedRoot(environmentId);
        }
        catch (IOException e)
        {
            RuncLog.SweepFailed(_logger, e, Path.Combine(RuncBundle.JoinedRootsDirectory, environmentId));
        }

        foreach (var directory in Cgroups.Directories(environmentId))
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            try
            {
                Directory.Delete(directory);
            }
            catch (IOException e)
            {
                RuncLog.SweepFailed(_logger, e, directory);
            }
        }

        try
        {
            Directory.Delete(bundle, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException e)
        {
            RuncLog.SweepFailed(_logger, e, bundle);
        }
    }

    /// <summary>
    /// Removes what a previous run of this work directory left, and only that: its containers (runc's state root
    /// is this directory's), its slirp4netns helpers (marked with that root), its bundles, and the cgroups named
    /// by those containers and bundles; then, of any work directory, what no live environment can own (see
    /// <see cref="RuncCgroups.RemoveStale"/>). Another data directory's environments share the cgroup parent
    /// <c>/nimbus</c> and are never touched. The data directory's lock guarantees the previous run is over.
    /// </summary>
    private void Sweep()
    {
        var containers = 0;
        var ours = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(_stateRoot))
        {
            var list = RuncCommand.Run(_runc, ["--root", _stateRoot, "list", "-q"], _logger);
            foreach (var id in list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!id.StartsWith(ContainerPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                ours.Add(id[ContainerPrefix.Length..]);
                if (RuncCommand.Run(_runc, ["--root", _stateRoot, "delete", "-f", id], _logger).Succeeded)
                {
                    containers++;
                }
            }
        }

        var processes = RuncProcessSweep.KillNetworkHelpers(_stateRoot);
        var bundles = 0;
        if (Directory.Exists(_bundles))
        {
            foreach (var bundle in Directory.EnumerateDirectories(_bundles))
            {
                ours.Add(Path.GetFileName(bundle));
                HostMounts.DetachBelow(bundle);
                try
                {
                    RuncBundle.RemoveJoinedRoot(Path.GetFileName(bundle));
                }
                catch (IOException e)
                {
                    RuncLog.SweepFailed(_logger, e, bundle);
                }

                try
                {
                    Directory.Delete(bundle, recursive: true);
                    bundles++;
                }
                catch (IOException e)
                {
                    RuncLog.SweepFailed(_logger, e, bundle);
                }
            }
        }

        var cgroups = Cgroups.RemoveOrphans(ours, (path, _) => RuncLog.CgroupInUse(_logger, path));
        if (containers + bundles + cgroups + processes > 0)
        {
            RuncLog.Swept(_logger, containers, bundles, cgroups, processes);
        }

        // Then what servers of any work directory left when killed and their directory deleted (test runs, a data
        // directory removed by hand): nothing of a live environment is touched (see RemoveStale). The kernel's clock,
        // not a TimeProvider: it is compared with the cgroup directories' times.
        var staleBefore = DateTime.UtcNow - StaleAfter;
        var stranded = RuncProcessSweep.KillStrandedInits(Cgroups, staleBefore);
        var stale = Cgroups.RemoveStale(staleBefore) + RuncBundle.RemoveStaleJoinedRoots(Cgroups, staleBefore);
        if (stale + stranded > 0)
        {
            RuncLog.SweptStale(_logger, stale, stranded);
        }
    }

    private static string? FindExecutable(string name) => HostExecutable.Find(name);
}
