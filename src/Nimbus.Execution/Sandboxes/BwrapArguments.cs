// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Execution.Sandboxes;

/// <summary>The bwrap command line of one environment (see <see cref="BwrapSandboxFactory"/>).</summary>
internal static class BwrapArguments
{
    private static readonly string[] s_systemPaths = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"];

    public static List<string> For(SandboxSpec spec, string etcDirectory, bool ownNetwork)
    {
        var args = new List<string>
        {
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--uid", RuncBundle.SandboxUid.ToString(CultureInfo.InvariantCulture),
            "--gid", RuncBundle.SandboxGid.ToString(CultureInfo.InvariantCulture),
            "--hostname", spec.EnvironmentId[..12],

            // The environment ends with the server, and never reads the server's terminal.
            "--die-with-parent", "--new-session",
        };
        if (ownNetwork)
        {
            args.Add("--unshare-net");
        }

        var image = spec.ImageRoot is not null;
        if (image)
        {
            BwrapImageArguments.AddRoot(args, spec, etcDirectory, ownNetwork);
        }

        foreach (var path in image ? [] : s_systemPaths)
        {
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is { } target)
            {
                // Debian's merged /usr: /bin -> usr/bin. The same symlink resolves through the /usr bind.
                args.AddRange(["--symlink", target, path]);
            }
            else if (info.Exists)
            {
                args.AddRange(["--ro-bind", path, path]);
            }
        }

        if (!image)
        {
            AddHostEtc(args, etcDirectory, ownNetwork);
        }

        args.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        args.AddRange(["--size", ((long)spec.EphemeralStorageMb * 1024 * 1024).ToString(CultureInfo.InvariantCulture), "--perms", "1777", "--tmpfs", "/tmp"]);
        if (!image)
        {
            AddHostDirectoriesAndCode(args, spec, etcDirectory);
        }

        // Only the sockets themselves, as in a runc container: another environment's socket stays out of reach.
        args.AddRange(["--bind", spec.HostSocketPath, RuncBundle.InitSocketPath]);
        var bridge = ownNetwork && RuncBundle.HasPlatformSocket(spec);
        if (bridge)
        {
            args.AddRange(["--bind", spec.PlatformSocketPath!, RuncBundle.PlatformSocketPath]);
        }

        // The root bwrap builds (a tmpfs holding the mount points) becomes read-only like the binds. An image may have
        // no /var/task: nimbus-init changes to the runtime's working directory itself.
        args.AddRange(["--remount-ro", "/", "--cap-drop", "ALL", "--chdir", image ? "/" : "/var/task", "--clearenv"]);
        args.AddRange(["--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin"]);
        args.AddRange(["--setenv", "NIMBUS_INIT_SOCKET", RuncBundle.InitSocketPath]);
        if (spec.IdleExecutable is not null)
        {
            args.AddRange(["--setenv", "NIMBUS_IDLE_PROGRAM", image ? RuncImageRoot.IdlePath : RuncBundle.IdlePath]);
        }

        // The Runtime API on the sandbox's own loopback, or on a free port of the host's.
        args.AddRange(["--setenv", "NIMBUS_RUNTIME_API", ownNetwork ? "127.0.0.1:9001" : "127.0.0.1:0"]);
        if (bridge)
        {
            args.AddRange(["--setenv", "NIMBUS_PLATFORM_SOCKET", RuncBundle.PlatformSocketPath]);
            args.AddRange(["--setenv", "NIMBUS_PLATFORM_BRIDGE", RuncConfigWriter.PlatformBridge]);
        }

        // bwrap's own init is PID 1 of the pid namespace and reaps orphans (as tini does in a runc container).
        args.Add("--");
        args.AddRange(image ? RuncImageRoot.LoaderArguments() : [RuncBundle.InitPath]);
        return args;
    }

    private static void AddHostEtc(List<string> args, string etcDirectory, bool ownNetwork)
    {
        args.AddRange(["--ro-bind", etcDirectory, "/etc"]);
        foreach (var path in (string[])["/etc/ssl/certs", "/etc/alternatives"])
        {
            if (Directory.Exists(path))
            {
                args.AddRange(["--ro-bind", path, path]);
            }
        }

        if (!ownNetwork && File.Exists("/etc/resolv.conf"))
        {
            // On the host's network the host's resolver applies (the generated one names slirp4netns's).
            args.AddRange(["--ro-bind", "/etc/resolv.conf", "/etc/resolv.conf"]);
        }
    }

    private static void AddHostDirectoriesAndCode(List<string> args, SandboxSpec spec, string etcDirectory)
    {
        // After /tmp's tmpfs: a runtime cached in a data directory below /tmp stays visible.
        foreach (var directory in spec.HostDirectories)
        {
            if (!s_systemPaths.Any(p => directory == p || directory.StartsWith(p + "/", StringComparison.Ordinal)) && Directory.Exists(directory))
            {
                if (directory.StartsWith("/etc/", StringComparison.Ordinal))
                {
                    // A mount point below the generated /etc (a JDK's /etc/java-17-openjdk) must exist before /etc is read-only.
                    Directory.CreateDirectory(Path.Combine(etcDirectory, directory["/etc/".Length..]));
                }

                args.AddRange(["--ro-bind", directory, directory]);
            }
        }

        args.AddRange(["--ro-bind", spec.CodeDirectory, "/var/task"]);
        args.AddRange(spec.OptDirectory is { } opt ? ["--ro-bind", opt, "/opt"] : ["--dir", "/opt"]);
        args.AddRange(["--ro-bind", spec.RuntimeDirectory, "/var/runtime"]);
        args.AddRange(["--ro-bind", spec.InitExecutable, RuncBundle.InitPath]);
        if (spec.IdleExecutable is { } idle)
        {
            args.AddRange(["--ro-bind", idle, RuncBundle.IdlePath]);
        }
    }
}
