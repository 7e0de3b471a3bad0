// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// Writes one environment's OCI bundle: an empty root directory (made read-only by runc) and config.json (runtime
/// spec 1.0.2, as Debian's runc 1.1 reads it). Everything the runtime sees comes from read-only binds of the host
/// (/usr and its symlinked neighbours, the interpreter's directory, the code, the runtime clients, nimbus-init),
/// a generated /etc shared by all environments, and tmpfs mounts for /tmp and /dev.
/// </summary>
internal static class RuncBundle
{
    /// <summary>nimbus-init inside the container.</summary>
    public const string InitPath = "/var/runtime-init/nimbus-init";

    /// <summary>Where nimbus-idle is bound, beside nimbus-init, when the host has it.</summary>
    public const string IdlePath = "/var/runtime-init/nimbus-idle";

    /// <summary>Where the host's init socket is bound inside the container (NIMBUS_INIT_SOCKET).</summary>
    public const string InitSocketPath = "/run/nimbus/init.sock";

    /// <summary>Where the server's API socket is bound inside the container (NIMBUS_PLATFORM_SOCKET).</summary>
    public const string PlatformSocketPath = "/run/nimbus/platform.sock";

    /// <summary>Lambda's sandbox user is sbx_user1051, uid 993.</summary>
    public const int SandboxUid = 993;

    /// <summary>
    /// The host uid (and gid) the container's root maps to in a joined user namespace (<see cref="RuncJoinedNamespaces"/>):
    /// one no host file belongs to, so runc's init, the only process running as the container's root, owns nothing.
    /// </summary>
    public const int JoinedRootHostUid = 100000;

    public const int SandboxGid = 993;

    /// <summary>Lambda's limits: 1,024 open files and 1,024 processes and threads per environment.</summary>
    public const int MaxOpenFiles = 1024;

    public const int MaxProcesses = 1024;

    /// <summary>Top-level host paths bound read-only or, where the host has them as symlinks (merged /usr), recreated as such.</summary>
    private static readonly string[] _systemPaths = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"];

    /// <summary>Writes the /etc every container gets: Lambda's user, localhost, the NAT's DNS resolver, certificates' directory.</summary>
    public static void WriteEtc(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(
            Path.Combine(directory, "passwd"),
            "root:x:0:0:root:/root:/sbin/nologin\n"
            + $"sbx_user1051:x:{SandboxUid}:{SandboxGid}::/tmp:/sbin/nologin\n"
            + "nobody:x:65534:65534:nobody:/:/sbin/nologin\n");
        File.WriteAllText(
            Path.Combine(directory, "group"),
            $"root:x:0:\nsbx_user1051:x:{SandboxGid}:\nnogroup:x:65534:\n");
        // sandbox.localdomain: where extensions listen for the Telemetry API (AWS names the sandbox so).
        File.WriteAllText(Path.Combine(directory, "hosts"), "127.0.0.1\tlocalhost sandbox.localdomain sandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n");

        // slirp4netns's built-in DNS forwarder; without outbound network nothing answers, as nothing should.
        File.WriteAllText(Path.Combine(directory, "resolv.conf"), "nameserver 10.0.2.3\n");
        File.WriteAllText(Path.Combine(directory, "nsswitch.conf"), "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n");
        File.WriteAllText(Path.Combine(directory, "os-release"), "NAME=\"Nimbus\"\nID=nimbus\nPRETTY_NAME=\"Nimbus sandbox\"\n");

        // Mount points of the binds below /etc must exist before runc makes /etc read-only.
        Directory.CreateDirectory(Path.Combine(directory, "ssl", "certs"));
        Directory.CreateDirectory(Path.Combine(directory, "alternatives"));
        var localtime = Path.Combine(directory, "localtime");
        File.Delete(localtime);
        if (File.Exists("/etc/localtime"))
        {
            File.Copy("/etc/localtime", localtime);
        }
    }

    /// <summary>Creates the bundle directory with its root and config.json; returns config.json's path.</summary>
    public static string Write(string bundle, string etcDirectory, SandboxSpec spec, RuncCgroups cgroups)
    {
        Directory.CreateDirectory(bundle);
        var rootfs = RootDirectory(bundle, spec);
        Directory.CreateDirectory(rootfs);

        // The mount point of the layers' merged directory; empty (and read-only with the rest of the root) without layers.
        if (spec.ImageRoot is null)
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "opt"));
        }

        var mounts = new List<RuncMount>
        {
            new("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
            new("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            new("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]),
            new("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            new("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
        };
        if (spec.ImageRoot is not null)
        {
            RuncImageRoot.AddMounts(rootfs, etcDirectory, spec, mounts);
        }

        foreach (var path in spec.ImageRoot is null ? _systemPaths : [])
        {
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is { } target)
            {
                // Debian's merged /usr: /bin -> usr/bin. The same symlink in the root resolves through the /usr bind.
                File.CreateSymbolicLink(Path.Combine(rootfs, path.TrimStart('/')), target);
            }
            else if (info.Exists)
            {
                mounts.Add(ReadOnlyBind(path, path));
            }
        }

        if (spec.ImageRoot is null)
        {
            AddHostEtc(etcDirectory, mounts);
        }

        // /tmp and the code before the host directories: a runtime cached in a data directory below /tmp stays visible.
        if (spec.StemCell)
        {
            AddStemCellMounts(bundle, spec, mounts);
        }
        else
        {
            mounts.Add(new RuncMount(
                "/tmp",
                "tmpfs",
                "tmpfs",
                spec.JoinedNamespaces is null
                    ? ["nosuid", "nodev", "mode=1777", $"size={spec.EphemeralStorageMb}m"]
                    // Mounted inside the joined user namespace, where root is not the host's: owned by the sandbox
                    // uid (as the container sees it) so the runtime can write.
                    : ["nosuid", "nodev", "mode=1777", $"size={spec.EphemeralStorageMb}m", $"uid={SandboxUid}", $"gid={SandboxGid}"]));
            if (spec.ImageRoot is null)
            {
                mounts.Add(ReadOnlyBind(spec.CodeDirectory, "/var/task"));
                if (spec.OptDirectory is { } opt)
                {
                    mounts.Add(ReadOnlyBind(opt, "/opt"));
                }
            }
        }

        if (spec.ImageRoot is null)
        {
            AddHostRuntime(etcDirectory, spec, mounts);
        }

        // Only the two sockets, not their directories: another environment's socket must stay out of reach.
        // Connecting needs write permission on the socket and the sandbox user is not root; the directories that
        // hold the sockets on the host keep other host users out.
        MakeConnectable(spec.HostSocketPath);
        mounts.Add(new RuncMount(InitSocketPath, "bind", spec.HostSocketPath, ["bind", "nosuid", "nodev", "noexec"]));
        if (HasPlatformSocket(spec))
        {
            MakeConnectable(spec.PlatformSocketPath!);
            mounts.Add(new RuncMount(PlatformSocketPath, "bind", spec.PlatformSocketPath!, ["bind", "nosuid", "nodev", "noexec"]));
        }

        RuncSnapshot.AddMounts(spec, SeccompArchitectures(), mounts);
        if (spec.JoinedNamespaces is not null)
        {
            MakeMountPoints(rootfs, mounts);
        }

        var config = Path.Combine(bundle, "config.json");
        using (var stream = new FileStream(config, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16384))
        {
            RuncConfigWriter.Write(stream, spec, mounts, SeccompArchitectures(), cgroups, spec.JoinedNamespaces is null ? "rootfs" : rootfs);
        }

        return config;
    }

    /// <summary>
    /// The container's root directory. In a joined user namespace runc's init runs as an unprivileged host uid
    /// (<see cref="JoinedRootHostUid"/>) and binds the root onto itself by its path, so every directory above it must
    /// be searchable by others, which a data directory need not be (a temporary one is 0700): such a root lives in
    /// <see cref="JoinedRootsDirectory"/> instead, named by the environment id.
    /// </summary>
    public static string RootDirectory(string bundle, SandboxSpec spec) =>
        spec.JoinedNamespaces is null ? Path.Combine(bundle, "rootfs") : Path.Combine(JoinedRootsDirectory, spec.EnvironmentId);

    /// <summary>Where the roots of joined containers are: root's, searchable by others, on a tmpfs on most hosts.</summary>
    public const string JoinedRootsDirectory = "/run/nimbus-roots";

    /// <summary>Removes a joined container's root (empty but for its mount points); nothing when there is none.</summary>
    public static void RemoveJoinedRoot(string environmentId)
    {
        var root = Path.Combine(JoinedRootsDirectory, environmentId);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Removes joined containers' roots that no container uses any more, of any work directory (a server killed
    /// without a stop leaves them; they are empty but for mount points): those made before
    /// <paramref name="madeBeforeUtc"/> whose environment has no cgroup (every live container has one, made by
    /// <c>runc create</c> right after its root). Returns how many were removed.
    /// </summary>
    public static int RemoveStaleJoinedRoots(RuncCgroups cgroups, DateTime madeBeforeUtc)
    {
        if (!Directory.Exists(JoinedRootsDirectory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var root in Directory.EnumerateDirectories(JoinedRootsDirectory))
        {
            var id = Path.GetFileName(root);
            if (!RuncCgroups.IsEnvironmentId(id) || Directory.GetCreationTimeUtc(root) >= madeBeforeUtc || cgroups.MadeAtUtc(id) is not null)
            {
                continue;
            }

            try
            {
                Directory.Delete(root, recursive: true);
                removed++;
            }
            catch (IOException)
            {
                // Taken again meanwhile, or already gone: the next sweep looks again.
            }
        }

        return removed;
    }

    /// <summary>
    /// In a joined user namespace runc's init is not the host's root and cannot create mount points in the root
    /// (owned by the host's root): the host makes each one beforehand, a file for a file's bind, else a directory.
    /// Those that end up inside another mount (/dev/pts ...) are hidden by it and made there by runc as usual.
    /// </summary>
    private static void MakeMountPoints(string rootfs, List<RuncMount> mounts)
    {
        foreach (var mount in mounts)
        {
            var target = Path.Combine(rootfs, mount.Destination.TrimStart('/'));
            if (mount.Type == "bind" && File.Exists(mount.Source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (!File.Exists(target))
                {
                    File.WriteAllBytes(target, []);
                }
            }
            else
            {
                Directory.CreateDirectory(target);
            }
        }
    }

    /// <summary>A stem cell's shared mount point on the host: its task/, opt/ and tmp/ are the container's /var/task, /opt, /tmp.</summary>
    public static string CellDirectory(string bundle) => Path.Combine(bundle, "cell");

    /// <summary>
    /// A stem cell's /var/task, /opt and /tmp: binds of directories of a shared mount on the host, made slaves in the
    /// container, so the read-only binds of the function's code and layers that the host makes there at
    /// specialization appear inside (one way: nothing mounted inside could reach the host, and the seccomp filter
    /// refuses mount anyway). /tmp is a tmpfs the host mounted, so the host can resize it at specialization.
    /// </summary>
    private static void AddStemCellMounts(string bundle, SandboxSpec spec, List<RuncMount> mounts)
    {
        // Root only: the cell's /tmp (a host tmpfs) and code are reachable from the host through this directory, and
        // no other host user may look into a function's /tmp. The container binds the subdirectories directly.
        var cell = CellDirectory(bundle);
        Directory.CreateDirectory(cell, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var name in (ReadOnlySpan<string>)["task", "opt", "tmp"])
        {
            Directory.CreateDirectory(Path.Combine(cell, name));
        }

        HostMounts.MakeSharedMountPoint(cell);
        HostMounts.MountTmpfs(Path.Combine(cell, "tmp"), spec.EphemeralStorageMb);
        mounts.Add(new RuncMount("/tmp", "bind", Path.Combine(cell, "tmp"), ["rbind", "nosuid", "nodev", "rslave"]));
        mounts.Add(new RuncMount("/var/task", "bind", Path.Combine(cell, "task"), ["rbind", "ro", "nosuid", "nodev", "rslave"]));
        mounts.Add(new RuncMount("/opt", "bind", Path.Combine(cell, "opt"), ["rbind", "ro", "nosuid", "nodev", "rslave"]));
    }

    /// <summary>The generated /etc and what it needs of the host's (zip functions; an image brings its own /etc).</summary>
    private static void AddHostEtc(string etcDirectory, List<RuncMount> mounts)
    {
        mounts.Add(ReadOnlyBind(etcDirectory, "/etc"));
        if (Directory.Exists("/etc/ssl/certs"))
        {
            mounts.Add(ReadOnlyBind("/etc/ssl/certs", "/etc/ssl/certs"));
        }

        // Debian's /usr/bin/awk, nc, editor, ... are symlinks through /etc/alternatives.
        if (Directory.Exists("/etc/alternatives"))
        {
            mounts.Add(ReadOnlyBind("/etc/alternatives", "/etc/alternatives"));
        }
    }

    /// <summary>The interpreter's directories, /var/runtime and nimbus-init (zip functions; an image brings its own /var).</summary>
    private static void AddHostRuntime(string etcDirectory, SandboxSpec spec, List<RuncMount> mounts)
    {
        foreach (var directory in spec.HostDirectories)
        {
            if (!IsBelowSystemPath(directory) && Directory.Exists(directory))
            {
                if (directory.StartsWith("/etc/", StringComparison.Ordinal))
                {
                    // A mount point below the generated /etc (a JDK's /etc/java-17-openjdk) must exist before /etc is read-only.
                    Directory.CreateDirectory(Path.Combine(etcDirectory, directory["/etc/".Length..]));
                }

                mounts.Add(ReadOnlyBind(directory, directory));
            }
        }

        mounts.Add(ReadOnlyBind(spec.RuntimeDirectory, "/var/runtime"));
        mounts.Add(ReadOnlyBind(spec.InitExecutable, InitPath));
        if (spec.IdleExecutable is { } idle)
        {
            mounts.Add(ReadOnlyBind(idle, IdlePath));
        }
    }

    /// <summary>True when the platform socket exists to be bound (the server creates it once it listens).</summary>
    public static bool HasPlatformSocket(SandboxSpec spec) =>
        spec.PlatformSocketPath is { Length: > 0 } path && File.Exists(path);

    private static void MakeConnectable(string socket)
    {
        const UnixFileMode ReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
            | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(socket) & ReadWrite) != ReadWrite)
        {
            File.SetUnixFileMode(socket, ReadWrite);
        }
    }

    private static RuncMount ReadOnlyBind(string source, string destination) =>
        new(destination, "bind", source, ["rbind", "ro", "nosuid", "nodev"]);

    private static bool IsBelowSystemPath(string directory)
    {
        foreach (var path in _systemPaths)
        {
            if (directory == path || directory.StartsWith(path + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The native architecture and the compat ones it can run, so a 32-bit syscall cannot bypass the filter.</summary>
    private static string[] SeccompArchitectures() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        Architecture.Arm64 => ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
        _ => [],
    };
}
