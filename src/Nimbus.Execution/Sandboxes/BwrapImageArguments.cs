// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// The part of a bwrap command line that makes a container image (PackageType Image) the root, as
/// <see cref="RuncImageRoot"/> does for runc: the image's top-level directories and files bound read-only (symbolic links
/// recreated), the sandbox's resolver and hosts file over the image's, and nimbus-init with the host's loader and C
/// library under <c>/.nimbus</c>, so it starts in any image.
/// </summary>
internal static class BwrapImageArguments
{
    public static void AddRoot(List<string> args, SandboxSpec spec, string etcDirectory, bool ownNetwork)
    {
        var image = spec.ImageRoot!; // Called for image functions only.
        foreach (var entry in new DirectoryInfo(image).EnumerateFileSystemInfos())
        {
            if (RuncImageRoot.IsReserved(entry.Name))
            {
                continue;
            }

            args.AddRange(entry.LinkTarget is { } target
                ? ["--symlink", target, "/" + entry.Name]
                : ["--ro-bind", entry.FullName, "/" + entry.Name]);
        }

        if (!Path.Exists(Path.Combine(image, "var")))
        {
            // LAMBDA_TASK_ROOT exists in every environment, also in an image without /var.
            args.AddRange(["--dir", "/var/task"]);
        }

        // On its own network the sandbox's generated files; on the host's, the host's resolver (as for .zip functions).
        var etc = new DirectoryInfo(Path.Combine(image, "etc"));
        if (etc.Exists && etc.LinkTarget is null)
        {
            foreach (var name in (ReadOnlySpan<string>)["resolv.conf", "hosts"])
            {
                var own = new FileInfo(Path.Combine(etc.FullName, name));
                var source = !ownNetwork && name == "resolv.conf" && File.Exists("/etc/resolv.conf") ? "/etc/resolv.conf" : Path.Combine(etcDirectory, name);
                if (own.Exists && own.LinkTarget is null && File.Exists(source))
                {
                    args.AddRange(["--ro-bind", source, "/etc/" + name]);
                }
            }
        }

        args.AddRange(["--ro-bind", RuncImageRoot.LoaderDirectory(), RuncImageRoot.InitDirectory + "/lib"]);
        args.AddRange(["--ro-bind", spec.InitExecutable, RuncImageRoot.InitDirectory + "/nimbus-init"]);
        if (spec.IdleExecutable is { } idle)
        {
            args.AddRange(["--ro-bind", idle, RuncImageRoot.IdlePath]);
        }
    }
}
