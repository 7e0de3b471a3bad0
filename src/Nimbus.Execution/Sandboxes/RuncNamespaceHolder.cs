// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using Nimbus.Core.Threading;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The user and pid namespaces of a SnapStart container under runc (docs/cold-starts.md#snapstart, "the holder and
/// reaper"), made before <c>runc create</c> by a small Python process, which must be single-threaded to make a user
/// namespace (neither the server nor nimbus-init is). It enters the template's pid namespace and forks the holder,
/// which drops to the sandbox uid and makes the user namespace (its owner is that uid, so the template's child, the
/// same uid, may enter it); the host writes its maps (container root to <see cref="RuncBundle.JoinedRootHostUid"/>,
/// the sandbox uid to itself); the holder makes the pid namespace, nested in the template's, and forks its PID 1, the
/// reaper: not dumpable, without capabilities, it only reaps. Killing the reaper ends every process of the container.
/// </summary>
internal sealed class RuncNamespaceHolder
{
    private const string Script = """
        import ctypes, os, signal, sys
        libc = ctypes.CDLL(None, use_errno=True)
        CLONE_NEWUSER, CLONE_NEWPID = 0x10000000, 0x20000000

        def fail(step):
            sys.stderr.write("%s: %s\n" % (step, os.strerror(ctypes.get_errno())))
            os._exit(1)

        template = os.open("/proc/%s/ns/pid" % sys.argv[1], os.O_RDONLY)
        if libc.setns(template, CLONE_NEWPID):
            fail("setns into the template's pid namespace")
        os.close(template)
        ready_r, ready_w = os.pipe()
        go_r, go_w = os.pipe()
        holder = os.fork()
        if holder == 0:
            os.close(ready_r)
            os.close(go_w)
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)  # the host reads the first process's output to its end
            os.setgroups([])
            os.setresgid(993, 993, 993)
            os.setresuid(993, 993, 993)
            if libc.unshare(CLONE_NEWUSER):
                os._exit(10)
            libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: the template (uid 993 too) may not open it
            os.write(ready_w, b"u")
            if os.read(go_r, 1) != b"g" or libc.unshare(CLONE_NEWPID):
                os._exit(11)
            reaper = os.fork()
            if reaper == 0:
                os.closerange(3, 1 << 16)
                libc.prctl(4, 0, 0, 0, 0)  # nothing in the container may open /proc/1/root
                header = (ctypes.c_uint32 * 2)(0x20080522, 0)
                if libc.capset(header, (ctypes.c_uint32 * 6)()):  # no capability, even in its own namespaces
                    os._exit(12)
                # The container's orphans are its children: it reaps them as they end. SIGINT is Python's
                # (KeyboardInterrupt) unless ignored, and the only signal a process inside could end it with.
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
                while True:
                    while True:
                        try:
                            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                                break
                        except ChildProcessError:
                            break
                    signal.sigwait([signal.SIGCHLD])
            os.write(ready_w, b"p")
            os.waitpid(reaper, 0)
            os._exit(0)
        os.close(ready_w)
        os.close(go_r)
        if os.read(ready_r, 1) != b"u":
            sys.exit("the holder could not make a user namespace")
        for name in ("uid_map", "gid_map"):
            with open("/proc/%d/%s" % (holder, name), "w") as f:
                f.write("0 %s 1\n993 993 1\n" % sys.argv[2])
        os.write(go_w, b"g")
        if os.read(ready_r, 1) != b"p":
            sys.exit("the holder could not make a pid namespace")
        with open("/proc/%d/task/%d/children" % (holder, holder)) as f:
            print(holder, f.read().split()[0], flush=True)
        """;

    // Taken as soon as the script reported the two: neither ends on its own (the holder waits for the reaper, which
    // only reaps), so the pids are still theirs; signals go through these, never by a pid that may be reused.
    private readonly ProcessHandle _holder;
    private readonly ProcessHandle _reaper;

    private RuncNamespaceHolder(ProcessHandle holder, ProcessHandle reaper)
    {
        _holder = holder;
        _reaper = reaper;
        HolderPid = holder.Pid;
        ReaperPid = reaper.Pid;
        var holderPid = holder.Pid;
        Namespaces = new RuncJoinedNamespaces($"/proc/{holderPid}/ns/user", $"/proc/{holderPid}/ns/pid_for_children");
        PidNamespace = new FileInfo(Namespaces.PidNamespacePath).LinkTarget ?? "";
    }

    public int HolderPid { get; }

    /// <summary>PID 1 of the container's pid namespace, as the host sees it.</summary>
    public int ReaperPid { get; }

    public RuncJoinedNamespaces Namespaces { get; }

    /// <summary>The reaper has not ended (nor been killed): <see cref="ReaperPid"/> is still its pid.</summary>
    public bool ReaperAlive => _reaper.IsAlive;

    /// <summary>The pid namespace's link text (<c>pid:[N]</c>), to recognize its processes from the host.</summary>
    public string PidNamespace { get; }

    /// <summary>Makes the namespaces, nested in the pid namespace of the host process <paramref name="templatePid"/>.</summary>
    public static async Task<RuncNamespaceHolder> StartAsync(string python, int templatePid, CancellationToken cancellationToken)
    {
        // -I -S: no user site, no site module; only ctypes and os are needed.
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in (ReadOnlySpan<string>)["-I", "-S", "-c", Script, templatePid.ToString(CultureInfo.InvariantCulture), RuncBundle.JoinedRootHostUid.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new SandboxStartException($"could not start {python}");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync(cancellationToken);

        // Not cancelled itself: a line the script wrote just before the start was called off must still be read, or
        // what it names would run for ever (the holder is no longer the script's child once the script has ended).
        var line = process.StandardOutput.ReadLineAsync(CancellationToken.None).AsTask();
        (ProcessHandle Holder, ProcessHandle Reaper)? made = null;
        try
        {
            made = Parse(await line.WaitAsync(cancellationToken));
            await process.WaitForExitAsync(cancellationToken);
            // The line's read may have completed on an event thread (pipes are read through sockets).
            await EventThreads.Leave();
        }
        catch (OperationCanceledException)
        {
            // The start is called off (its invoke gave up, the server stops): nothing else would ever end what the
            // script made so far. Its own children (the holder, before it reported) go with it; reported ones here,
            // read to the pipe's end, which the kill brings, when the line had not been taken yet.
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already ended.
            }

            made ??= await ReportedAfterKillAsync(line);
            if (made is { } orphans)
            {
                KillMade(orphans);
            }

            throw;
        }

        if (process.ExitCode != 0 || made is not { } pair)
        {
            if (made is { } partial)
            {
                KillMade(partial);
            }

            throw new SandboxStartException($"the SnapStart namespaces could not be made (status {process.ExitCode}): {(await error).Trim()}");
        }

        try
        {
            return new RuncNamespaceHolder(pair.Holder, pair.Reaper);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            KillMade(pair);
            throw new SandboxStartException("the SnapStart namespaces' holder ended at once: " + e.Message, e);
        }
    }

    /// <summary>
    /// The holder and reaper the script reported, once its output has ended (it was killed): null when it reported
    /// nothing, or when the pipe stays open (another process holds it) beyond a few seconds.
    /// </summary>
    private static async Task<(ProcessHandle Holder, ProcessHandle Reaper)?> ReportedAfterKillAsync(Task<string?> line)
    {
        try
        {
            return Parse(await line.WaitAsync(TimeSpan.FromSeconds(5)));
        }
        catch (Exception e) when (e is TimeoutException or IOException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Ends the reaper (with its pid namespace) and the holder of a start that failed.</summary>
    private static void KillMade((ProcessHandle Holder, ProcessHandle Reaper) made)
    {
        made.Reaper.Kill();
        made.Holder.Kill();
        made.Reaper.Dispose();
        made.Holder.Dispose();
    }

    /// <summary>The holder's and reaper's pidfds from the script's line "HOLDER REAPER"; null for another line or when either is gone.</summary>
    private static (ProcessHandle Holder, ProcessHandle Reaper)? Parse(string? line)
    {
        var parts = line?.Split(' ');
        if (parts is not { Length: 2 }
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var holderPid)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var reaperPid))
        {
            return null;
        }

        var holder = ProcessHandle.Open(holderPid);
        var reaper = ProcessHandle.Open(reaperPid);
        if (holder is null || reaper is null)
        {
            holder?.Kill();
            holder?.Dispose();
            reaper?.Dispose();
            return null;
        }

        return (holder, reaper);
    }

    /// <summary>Kills the reaper, which ends the pid namespace and everything in it, then the holder. Once is enough.</summary>
    public void Kill() => KillMade((_holder, _reaper));

    /// <summary>
    /// The host pid of the process that is <paramref name="pid"/> inside this pid namespace, among
    /// <paramref name="candidates"/> (host pids); null when none is.
    /// </summary>
    public int? Find(int pid, IEnumerable<int> candidates)
    {
        foreach (var candidate in candidates)
        {
            try
            {
                if (new FileInfo($"/proc/{candidate}/ns/pid").LinkTarget != PidNamespace)
                {
                    continue;
                }

                foreach (var line in File.ReadLines($"/proc/{candidate}/status"))
                {
                    if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                    {
                        var last = line.AsSpan(line.LastIndexOfAny([' ', '\t']) + 1);
                        if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var inner) && inner == pid)
                        {
                            return candidate;
                        }

                        break;
                    }
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }
}
