// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The root of a container-image function (PackageType Image): the image's own top-level directories bound read-only
/// into the bundle's empty root (symbolic links recreated), instead of the host's. nimbus-init comes from the host with
/// what it needs to start whatever the image holds: the host's dynamic loader and C library in a directory of its own
/// (nimbus-init is started through that loader, so the image's libraries, or their absence, do not matter) and tini's
/// static build. The runtime the image's entrypoint starts uses only the image's files.
/// </summary>
internal static class RuncImageRoot
{
    /// <summary>The directory in the container that holds the host's nimbus-init, loader and tini.</summary>
    public const string InitDirectory = "/.nimbus";

    /// <summary>nimbus-idle in an image's container, beside nimbus-init.</summary>
    public const string IdlePath = InitDirectory + "/nimbus-idle";

    private const string Loader = "/lib64/ld-linux-x86-64.so.2";
    private const string TiniStatic = "/usr/bin/tini-static";

    /// <summary>What the image's root must not bring: the sandbox makes these itself.</summary>
    private static readonly HashSet<string> _reserved = new(StringComparer.Ordinal) { "proc", "dev", "sys", "tmp", "run", ".nimbus" };

    /// <summary>config.json's process.args: tini (static) → the host's loader → nimbus-init.</summary>
    public static string[] InitArguments()
    {
        var init = LoaderArguments();
        return File.Exists(TiniStatic) ? [$"{InitDirectory}/tini", "--", .. init] : init;
    }

    /// <summary>nimbus-init started through the host's loader under <see cref="InitDirectory"/>.</summary>
    public static string[] LoaderArguments() =>
        [$"{InitDirectory}/lib/{Path.GetFileName(LoaderTarget())}", "--library-path", $"{InitDirectory}/lib", $"{InitDirectory}/nimbus-init"];

    /// <summary>The host directory holding the dynamic loader and the C library, bound at <c>/.nimbus/lib</c>.</summary>
    public static string LoaderDirectory() => Path.GetDirectoryName(LoaderTarget())!;

    /// <summary>Whether a top-level name of an image is left out of the sandbox's root (the sandbox makes it itself).</summary>
    public static bool IsReserved(string name) => _reserved.Contains(name);

    public static void AddMounts(string rootfs, string etcDirectory, SandboxSpec spec, List<RuncMount> mounts)
    {
        var image = spec.ImageRoot!; // Called for image functions only.
        foreach (var entry in new DirectoryInfo(image).EnumerateFileSystemInfos())
        {
            if (_reserved.Contains(entry.Name))
            {
                continue;
            }

            if (entry.LinkTarget is { } target)
            {
                File.CreateSymbolicLink(Path.Combine(rootfs, entry.Name), target);
            }
            else if (entry is DirectoryInfo || entry.Attributes.HasFlag(FileAttributes.Directory))
            {
                mounts.Add(new RuncMount("/" + entry.Name, "bind", entry.FullName, ["rbind", "ro", "nosuid", "nodev"]));
            }
            else
            {
                using (File.Create(Path.Combine(rootfs, entry.Name)))
                {
                }

                mounts.Add(new RuncMount("/" + entry.Name, "bind", entry.FullName, ["bind", "ro", "nosuid", "nodev"]));
            }
        }

        if (!Path.Exists(Path.Combine(image, "var")))
        {
            // LAMBDA_TASK_ROOT exists in every environment, also in an image without /var.
            Directory.CreateDirectory(Path.Combine(rootfs, "var", "task"));
        }

        // The sandbox's own name resolution (the NAT's DNS, localhost) over the image's files, where the image has them
        // to mount on, as container engines do.
        foreach (var name in (ReadOnlySpan<string>)["resolv.conf", "hosts"])
        {
            var own = new FileInfo(Path.Combine(image, "etc", name));
            if (own.Exists && own.LinkTarget is null && new FileInfo(Path.Combine(image, "etc")).LinkTarget is null)
            {
                mounts.Add(new RuncMount("/etc/" + name, "bind", Path.Combine(etcDirectory, name), ["bind", "ro", "nosuid", "nodev"]));
            }
        }

        mounts.Add(new RuncMount($"{InitDirectory}/lib", "bind", Path.GetDirectoryName(LoaderTarget())!, ["rbind", "ro", "nosuid", "nodev"]));
        mounts.Add(new RuncMount($"{InitDirectory}/nimbus-init", "bind", spec.InitExecutable, ["bind", "ro", "nosuid", "nodev"]));
        if (spec.IdleExecutable is { } idle)
        {
            // Static (musl or glibc): it runs in any image without the loader nimbus-init needs.
            mounts.Add(new RuncMount(IdlePath, "bind", idle, ["bind", "ro", "nosuid", "nodev"]));
        }
        if (File.Exists(TiniStatic))
        {
            mounts.Add(new RuncMount($"{InitDirectory}/tini", "bind", TiniStatic, ["bind", "ro", "nosuid", "nodev"]));
        }
    }

    /// <summary>The host's dynamic loader, its symbolic links resolved: its directory holds the C library beside it.</summary>
    private static string LoaderTarget() =>
        new FileInfo(Loader).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Loader;
}
