// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// config.json of the OCI runtime spec 1.0.2, written field by field (no reflection). The CPU quota is absent on
/// purpose: the init phase runs unthrottled, as on AWS, and <see cref="RuncSandbox.InitializedAsync"/> applies it.
/// </summary>
internal static class RuncConfigWriter
{
    private const string SeccompDeny = "SCMP_ACT_ERRNO";
    private const int Eperm = 1;
    private const int Enosys = 38;

    /// <summary>Syscalls a function never needs: they change mounts, namespaces, the kernel or other processes.</summary>
    private static readonly string[] _deniedSyscalls =
    [
        "mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
        "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
        "kexec_load", "kexec_file_load", "reboot", "init_module", "finit_module", "delete_module",
        "bpf", "perf_event_open", "userfaultfd", "lookup_dcookie", "iopl", "ioperm",
        "keyctl", "add_key", "request_key",
        "unshare", "setns",
        "swapon", "swapoff", "acct", "quotactl", "syslog",
        "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
        "open_by_handle_at", "name_to_handle_at",
    ];

    /// <summary>clone's flags that make new namespaces (CLONE_NEWNS … CLONE_NEWNET): denied like unshare.</summary>
    private static readonly long[] _namespaceFlags = [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000];

    public static void Write(Stream stream, SandboxSpec spec, IReadOnlyList<RuncMount> mounts, string[] seccompArchitectures, RuncCgroups cgroups, string root = "rootfs")
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("ociVersion", "1.0.2");
        WriteProcess(json, spec);
        json.WriteStartObject("root");
        json.WriteString("path", root);
        json.WriteBoolean("readonly", true);
        json.WriteEndObject();
        json.WriteString("hostname", spec.EnvironmentId[..12]);
        json.WriteStartArray("mounts");
        foreach (var mount in mounts)
        {
            json.WriteStartObject();
            json.WriteString("destination", mount.Destination);
            json.WriteString("type", mount.Type);
            json.WriteString("source", mount.Source);
            WriteStrings(json, "options", mount.Options);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteLinux(json, spec, seccompArchitectures, cgroups);
        json.WriteEndObject();
    }

    /// <summary>Where nimbus-init serves the bridge to Nimbus's API inside the sandbox (AWS_ENDPOINT_URL).</summary>
    public const string PlatformBridge = "127.0.0.1:9002";

    private const string Tini = "/usr/bin/tini";

    /// <summary>
    /// The same package's static build, preferred: 0.7 MB resident against the dynamic one's 1.3 MB (its mapped libc
    /// counted in every environment; bench memory, 2026-12-05), and no loader to run at each container's start.
    /// </summary>
    private const string TiniStatic = "/usr/bin/tini-static";

    /// <summary>The tini a zip function's container starts with (the host's /usr is bound in), or null without one.</summary>
    private static string? ContainerInit() => File.Exists(TiniStatic) ? TiniStatic : File.Exists(Tini) ? Tini : null;

    private static void WriteProcess(Utf8JsonWriter json, SandboxSpec spec)
    {
        json.WriteStartObject("process");
        json.WriteBoolean("terminal", false);
        json.WriteStartObject("user");
        json.WriteNumber("uid", RuncBundle.SandboxUid);
        json.WriteNumber("gid", RuncBundle.SandboxGid);
        json.WriteEndObject();
        // tini (Debian's package), when installed, is PID 1: it reaps orphans and forwards signals, so nimbus-init
        // never runs as PID 1, where .NET reaps every child itself and the runtime's exit status would be lost.
        WriteStrings(json, "args", spec.ImageRoot is not null ? RuncImageRoot.InitArguments() : ContainerInit() is { } tini ? [tini, "--", RuncBundle.InitPath] : [RuncBundle.InitPath]);
        var env = new List<string>
        {
            "PATH=/usr/local/bin:/usr/bin:/bin",
            "NIMBUS_INIT_SOCKET=" + RuncBundle.InitSocketPath,
            "NIMBUS_RUNTIME_API=127.0.0.1:9001",
        };
        if (spec.IdleExecutable is not null)
        {
            env.Add("NIMBUS_IDLE_PROGRAM=" + (spec.ImageRoot is not null ? RuncImageRoot.IdlePath : RuncBundle.IdlePath));
        }
        if (spec.JoinedNamespaces is not null)
        {
            // nimbus-init sets the open-file limit runc cannot here and makes itself non-dumpable (JoinedContainer).
            env.Add("NIMBUS_JOINED_NAMESPACES=1");
        }

        if (spec.Restore is not null)
        {
            // nimbus-init has the template fork its runtime into the container at once (InitAgent.Prefork).
            env.Add("NIMBUS_SNAPSHOT_SOCKET=" + RuncSnapshot.SocketPath);
        }
        if (RuncBundle.HasPlatformSocket(spec))
        {
            env.Add("NIMBUS_PLATFORM_SOCKET=" + RuncBundle.PlatformSocketPath);
            env.Add("NIMBUS_PLATFORM_BRIDGE=" + PlatformBridge);
        }

        WriteStrings(json, "env", env);
        // runc makes a missing cwd, which fails inside an image's read-only /var (a plain distro's has no task/):
        // an image's container starts in /, and nimbus-init changes to the runtime's working directory itself.
        json.WriteString("cwd", spec.ImageRoot is null ? "/var/task" : "/");
        json.WriteStartObject("capabilities");
        foreach (var set in (ReadOnlySpan<string>)["bounding", "effective", "inheritable", "permitted", "ambient"])
        {
            json.WriteStartArray(set);
            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteStartArray("rlimits");
        if (spec.JoinedNamespaces is null)
        {
            // runc applies rlimits with prlimit from the host once the process is in its user namespace; in a joined
            // one the process's uid is not runc's, which takes CAP_SYS_RESOURCE (not every host's root has it).
            WriteRlimit(json, "RLIMIT_NOFILE", RuncBundle.MaxOpenFiles);
        }

        // RLIMIT_NPROC counts every process of the uid on the host, and all environments share uid 993: a limit
        // of 1,024 there would be one budget for all of them. The per-environment limit is the pids cgroup's.
        json.WriteEndArray();
        json.WriteBoolean("noNewPrivileges", true);
        json.WriteEndObject();
    }

    private static void WriteRlimit(Utf8JsonWriter json, string type, long value)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteNumber("hard", value);
        json.WriteNumber("soft", value);
        json.WriteEndObject();
    }

    private static void WriteLinux(Utf8JsonWriter json, SandboxSpec spec, string[] seccompArchitectures, RuncCgroups cgroups)
    {
        json.WriteStartObject("linux");
        json.WriteStartArray("namespaces");
        var joined = spec.JoinedNamespaces;
        foreach (var type in (ReadOnlySpan<string>)["pid", "network", "ipc", "uts", "mount", "cgroup"])
        {
            if (type == "pid" && joined is not null)
            {
                continue;
            }

            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteEndObject();
        }

        if (joined is not null)
        {
            WriteJoined(json, "user", joined.UserNamespacePath);
            WriteJoined(json, "pid", joined.PidNamespacePath);
        }

        json.WriteEndArray();
        if (joined is not null)
        {
            WriteMappings(json, "uidMappings", RuncBundle.SandboxUid);
            WriteMappings(json, "gidMappings", RuncBundle.SandboxGid);
        }

        json.WriteString("cgroupsPath", $"/{RuncCgroups.Parent}/{spec.EnvironmentId}");
        json.WriteStartObject("resources");
        json.WriteStartArray("devices");
        json.WriteStartObject();
        json.WriteBoolean("allow", false);
        json.WriteString("access", "rwm");
        json.WriteEndObject();
        json.WriteEndArray();
        var memory = (long)spec.MemoryMb * 1024 * 1024;
        json.WriteStartObject("memory");
        json.WriteNumber("limit", memory);
        if (cgroups.HasSwapAccounting)
        {
            // runc's swap is memory+swap: equal to the limit means no swap.
            json.WriteNumber("swap", memory);
        }

        json.WriteEndObject();
        json.WriteStartObject("pids");
        json.WriteNumber("limit", RuncBundle.MaxProcesses);
        json.WriteEndObject();
        if (spec.StemCell || spec.LowPriority)
        {
            // A stem cell (or a SnapStart spare) starts in the background: its share yields to every environment at work until it is
            // specialized (RuncCgroups.Specialize restores the default).
            json.WriteStartObject("cpu");
            json.WriteNumber("shares", RuncCgroups.StemCellCpuShares);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        WriteStrings(json, "maskedPaths",
        [
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
        ]);
        WriteStrings(json, "readonlyPaths", ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]);
        if (seccompArchitectures.Length > 0)
        {
            // A SnapStart template's child enters restored containers (setns), and only that: it makes no namespace.
            json.WritePropertyName("seccomp");
            WriteSeccomp(json, seccompArchitectures, allowSetns: spec.SnapshotDirectory is not null);
        }

        json.WriteEndObject();
    }

    private static void WriteJoined(Utf8JsonWriter json, string type, string path)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString("path", path);
        json.WriteEndObject();
    }

    /// <summary>The joined user namespace's maps, which the host wrote: runc checks them against these.</summary>
    private static void WriteMappings(Utf8JsonWriter json, string name, int sandboxId)
    {
        json.WriteStartArray(name);
        foreach (var (inside, outside) in (ReadOnlySpan<(int, int)>)[(0, RuncBundle.JoinedRootHostUid), (sandboxId, sandboxId)])
        {
            json.WriteStartObject();
            json.WriteNumber("containerID", inside);
            json.WriteNumber("hostID", outside);
            json.WriteNumber("size", 1);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// The seccomp object every container's config.json has, alone: what a SnapStart template's restored runtime
    /// installs itself under runc (runtimes/python/hooks/_nimbus_lockdown.py reads it).
    /// </summary>
    public static void WriteSeccompFile(Stream stream, string[] architectures)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        WriteSeccomp(json, architectures, allowSetns: false);
    }

    private static void WriteSeccomp(Utf8JsonWriter json, string[] architectures, bool allowSetns)
    {
        json.WriteStartObject();
        json.WriteString("defaultAction", "SCMP_ACT_ALLOW");
        WriteStrings(json, "architectures", architectures);
        json.WriteStartArray("syscalls");
        json.WriteStartObject();
        WriteStrings(json, "names", allowSetns ? Array.FindAll(_deniedSyscalls, name => name != "setns") : _deniedSyscalls);
        json.WriteString("action", SeccompDeny);
        json.WriteNumber("errnoRet", Eperm);
        json.WriteEndObject();
        foreach (var flag in _namespaceFlags)
        {
            json.WriteStartObject();
            WriteStrings(json, "names", ["clone"]);
            json.WriteString("action", SeccompDeny);
            json.WriteNumber("errnoRet", Eperm);
            json.WriteStartArray("args");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteNumber("value", flag);
            json.WriteNumber("valueTwo", flag);
            json.WriteString("op", "SCMP_CMP_MASKED_EQ");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        // clone3 passes its flags in memory, out of seccomp's sight: ENOSYS makes the C libraries fall back to clone.
        // io_uring's operations (open, connect, ...) are out of its sight too, and a ring a SnapStart template made at
        // init would run them as the template in its own namespaces: no ring is made, nor used. ENOSYS, as a kernel
        // without io_uring answers, so libraries (libuv) fall back (Docker's default profile denies these three too).
        json.WriteStartObject();
        WriteStrings(json, "names", ["clone3", "io_uring_setup", "io_uring_enter", "io_uring_register"]);
        json.WriteString("action", SeccompDeny);
        json.WriteNumber("errnoRet", Enosys);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
