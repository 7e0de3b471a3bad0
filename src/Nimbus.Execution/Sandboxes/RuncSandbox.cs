// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Threading;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// One environment's runc container. nimbus-init is the container's init (PID 1 of its pid namespace); its
/// standard output and error are the pipes <c>runc run</c> (or <c>runc create</c>) was started with, forwarded to the log. Because the
/// container's init holds the only other ends of those pipes, and the kernel kills everything in a pid namespace
/// when its init ends, the pipes' end of file is the moment the container is gone: that completes
/// <see cref="Exited"/> without polling and without the init being our child (it is not: runc detaches it).
/// </summary>
internal sealed class RuncSandbox : IStemCellSandbox
{
    /// <summary>The init's exit status is not ours to read (it is not our child): unknown unless we killed it.</summary>
    public const int UnknownStatus = -1;

    public const int KilledStatus = 128 + 9;

    private const int MaxStartErrorLength = 4096;

    private readonly RuncSandboxFactory _factory;
    private readonly Task _runcExited;
    private readonly StringBuilder _startOutput = new();
    private readonly Task _stdout;
    private readonly Task _stderr;
    private readonly ILogger _logger;
    private int _pid;
    private int _memoryMb;
    private int _specialized;
    private ProcessHandle? _init;
    private IAsyncDisposable? _network;
    private RuncNamespaceHolder? _holder;
    private CgroupNumberFile? _peakMemory;
    private volatile bool _started;
    private volatile bool _killed;
    private int _disposed;

    /// <param name="stdout">The read end of runc's standard output, which the container's init inherits (so do the others).</param>
    /// <param name="stderr">The read end of runc's standard error.</param>
    /// <param name="runcExited">Completes when the runc process that creates the container has exited.</param>
    public RuncSandbox(RuncSandboxFactory factory, SandboxSpec spec, string bundle, Stream stdout, Stream stderr, Task runcExited, ILogger logger)
    {
        _factory = factory;
        Spec = spec;
        Bundle = bundle;
        _memoryMb = spec.MemoryMb;
        _runcExited = runcExited;
        _logger = logger;
        _stdout = PipeLines.ForwardAsync(stdout, Forward);
        _stderr = PipeLines.ForwardAsync(stderr, Forward);
        Exited = WatchAsync();
    }

    public SandboxSpec Spec { get; }

    public string ContainerId => RuncSandboxFactory.ContainerPrefix + Spec.EnvironmentId;

    public string Bundle { get; }

    /// <summary>The runtime reaches Nimbus through nimbus-init's bridge on the sandbox's own loopback.</summary>
    public SandboxPaths Paths { get; } = new("/var/task", "/var/runtime", "/tmp", "http://" + RuncConfigWriter.PlatformBridge);

    public Task<int> Exited { get; }

    /// <summary>runc's own messages while it created the container, for the error of a failed start.</summary>
    public string StartOutput
    {
        get
        {
            lock (_startOutput)
            {
                return _startOutput.ToString().Trim();
            }
        }
    }

    /// <summary>The container's init (runc's process, nimbus-init or tini) as the host sees it; 0 before it is created.</summary>
    public int InitPid => _pid;

    /// <summary>
    /// A SnapStart container (docs/cold-starts.md#snapstart): its namespaces are the holder's, whose reaper is PID 1
    /// (killing it ends the container's processes) and counts against the container's limits too.
    /// </summary>
    public void Holding(RuncNamespaceHolder holder) => _holder = holder;

    /// <summary>Once the container is created (its cgroups exist): the reaper joins them.</summary>
    public void Joined(RuncNamespaceHolder holder)
    {
        _factory.Cgroups.MoveInto(Spec.EnvironmentId, holder.ReaperPid);
        if (!holder.ReaperAlive)
        {
            // Its pid, written above, may have been another process's by then.
            throw new SandboxStartException("the SnapStart container's reaper ended while it joined the container's cgroups");
        }
    }

    /// <summary>
    /// The template forked this container's runtime (<paramref name="pid"/> as the container sees it): it is still in
    /// the template's cgroup, and moves into this container's before its first invocation. False when it is not
    /// found or fails the lockdown check: the container is killed, and the environment must not serve.
    /// </summary>
    public bool Adopted(int pid)
    {
        if (_holder is null || Spec.Restore?.Template is not RuncSandbox template)
        {
            return true;
        }

        try
        {
            if (_holder.Find(pid, _factory.Cgroups.Processes(template.Spec.EnvironmentId)) is { } found
                && ProcessHandle.Open(found) is { } runtime)
            {
                // Held by a pidfd from here: what is read of the pid next, and the move, are this process's as long
                // as it is alive afterwards (a pid is reused only once its process is reaped).
                using (runtime)
                {
                    var problem = _holder.Find(pid, [found]) is null ? "not found in the template's cgroup"
                        : RuncLockdownCheck.Problem(found) is { } lockdown ? "not locked down: " + lockdown
                        : null;
                    if (problem is null)
                    {
                        _factory.Cgroups.MoveInto(Spec.EnvironmentId, found);
                    }

                    if (!runtime.IsAlive)
                    {
                        problem = "it ended while the host checked and moved it";
                    }

                    if (problem is null)
                    {
                        return true;
                    }

                    RuncLog.AdoptionFailed(_logger, Spec.EnvironmentId, pid, problem);
                }
            }
            else
            {
                RuncLog.AdoptionFailed(_logger, Spec.EnvironmentId, pid, "not found in the template's cgroup");
            }
        }
        catch (IOException e)
        {
            RuncLog.AdoptionFailed(_logger, Spec.EnvironmentId, pid, e.Message);
        }

        // A runtime outside its container's limits must not serve: the environment ends, and its start fails.
        Kill();
        return false;
    }

    public long? PeakMemoryBytes()
    {
        var file = Volatile.Read(ref _peakMemory);
        if (file is null)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return null;
            }

            // Opened at the first REPORT (the cgroup exists once runc made the container); a racing opener's copy goes.
            if (_factory.Cgroups.OpenPeakMemory(Spec.EnvironmentId) is not { } opened)
            {
                return null;
            }

            file = Interlocked.CompareExchange(ref _peakMemory, opened, null) ?? opened;
            if (file != opened)
            {
                opened.Dispose();
            }
        }

        return file.Read();
    }

    public bool OutOfMemory() => _factory.Cgroups.OutOfMemory(Spec.EnvironmentId);

    public Task InitializedAsync(CancellationToken cancellationToken)
    {
        try
        {
            _factory.Cgroups.ApplyCpuQuota(Spec.EnvironmentId, RuncCgroups.CpuQuotaMicroseconds(Volatile.Read(ref _memoryMb)));
        }
        catch (IOException e)
        {
            // The container is already gone (its init exited): the invoke finds that out on its own.
            RuncLog.CpuQuotaFailed(_logger, e, Spec.EnvironmentId);
        }

        return Task.CompletedTask;
    }

    public void Foreground()
    {
        if (!Spec.LowPriority)
        {
            return;
        }

        try
        {
            _factory.Cgroups.RestoreCpuShare(Spec.EnvironmentId);
        }
        catch (IOException e)
        {
            // The container is already gone: its restore finds that out on its own.
            RuncLog.CpuQuotaFailed(_logger, e, Spec.EnvironmentId);
        }
    }

    public Task SpecializeAsync(string codeDirectory, string? optDirectory, int memoryMb, int ephemeralStorageMb, CancellationToken cancellationToken)
    {
        if (!Spec.StemCell || Interlocked.Exchange(ref _specialized, 1) != 0)
        {
            throw new SandboxStartException($"environment {Spec.EnvironmentId} is not a stem cell waiting for its function");
        }

        var cell = RuncBundle.CellDirectory(Bundle);
        var staging = Path.Combine(Bundle, "staging");
        try
        {
            HostMounts.BindReadOnly(codeDirectory, staging, Path.Combine(cell, "task"));
            if (optDirectory is not null)
            {
                HostMounts.BindReadOnly(optDirectory, staging, Path.Combine(cell, "opt"));
            }

            HostMounts.ResizeTmpfs(Path.Combine(cell, "tmp"), ephemeralStorageMb);
            Volatile.Write(ref _memoryMb, memoryMb);
            _factory.Cgroups.Specialize(Spec.EnvironmentId, memoryMb);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxStartException($"the stem cell {Spec.EnvironmentId} could not be specialized: {e.Message}", e);
        }

        // Mounts and cgroup files are kernel calls that do not wait on a disk: done inline, on the cold start's clock.
        return Task.CompletedTask;
    }

    /// <summary>Records the container's init once runc wrote its pid.</summary>
    public void Created(int pid)
    {
        // runc wrote it just now, and the init does not end before the container does: the pid is still its own.
        _init = ProcessHandle.Open(pid) ?? throw new SandboxStartException($"the container's init ({pid}) ended at once");
        _pid = pid;
    }

    /// <summary>The container's init, held by a pidfd once <see cref="Created"/>.</summary>
    public ProcessHandle? Init => _init;

    public void Started(IAsyncDisposable? network)
    {
        _network = network;
        _started = true;
    }

    /// <summary>
    /// SIGKILL to the container's init, which takes the whole pid namespace with it. Sent directly rather than
    /// through <c>runc kill</c> (a process start) because a timeout should end the environment at once; through a pidfd,
    /// so a reused pid is never hit.
    /// </summary>
    public void Kill()
    {
        if (_holder is { } holder && !Exited.IsCompleted)
        {
            // PID 1 of the container's pid namespace: everything in it ends with it.
            _killed = true;
            holder.Kill();
        }

        if (_pid == 0 || Exited.IsCompleted)
        {
            return;
        }

        _killed = true;
        _init?.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Kill();
        // Held open cgroup files do not keep runc delete from removing the cgroup, but the handle goes with the sandbox.
        Interlocked.Exchange(ref _peakMemory, null)?.Dispose();
        try
        {
            await _runcExited;

            // runc delete -f kills whatever is left (also a container that never got its pid written) and removes
            // its cgroups and state; "does not exist" is fine.
            await _factory.DeleteContainerAsync(ContainerId, CancellationToken.None);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            RuncLog.TeardownIncomplete(_logger, Spec.EnvironmentId, "runc delete: " + e.Message);
        }

        try
        {
            await Exited.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            RuncLog.TeardownIncomplete(_logger, Spec.EnvironmentId, "the container's output is still open 10 s after it was killed");
        }

        // The output's end completes on an event thread (pipes are read through sockets); the teardown starts processes.
        await EventThreads.Leave();

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        _holder?.Kill();
        _init?.Dispose();
        _factory.RemoveLeftovers(Spec.EnvironmentId, Bundle);
    }

    private async Task<int> WatchAsync()
    {
        await Task.WhenAll(_stdout, _stderr);
        return _killed ? KilledStatus : UnknownStatus;
    }

    private void Forward(string line)
    {
        if (!_started)
        {
            lock (_startOutput)
            {
                if (_startOutput.Length < MaxStartErrorLength)
                {
                    _startOutput.AppendLine(line);
                }
            }
        }

        RuncLog.InitOutput(_logger, Spec.EnvironmentId, line);
    }
}
