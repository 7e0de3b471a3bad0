// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// What a SnapStart container under runc adds to its bundle (docs/cold-starts.md#snapstart): the template's
/// directory, bound read-write, where it listens, with the seccomp rules of the runtimes it forks bound read-only in
/// it; a restored container's bind of the template's socket alone (the host's checked link of it).
/// </summary>
internal static partial class RuncSnapshot
{
    /// <summary>The template's directory inside its container.</summary>
    public const string TemplateDirectoryPath = "/run/nimbus/snapshot";

    /// <summary>The template's socket inside its container.</summary>
    public const string TemplateSocketPath = TemplateDirectoryPath + "/" + SocketName;

    /// <summary>The template's socket inside a restored container (only the socket: nothing else of the template's).</summary>
    public const string SocketPath = "/run/nimbus/snapshot.sock";

    /// <summary>The socket's name in the template's directory.</summary>
    public const string SocketName = "template.sock";

    /// <summary>Adds the mounts and files of a template or a restored container; nothing for another one.</summary>
    public static void AddMounts(SandboxSpec spec, string[] seccompArchitectures, List<RuncMount> mounts)
    {
        if (spec.SnapshotDirectory is { } directory)
        {
            // Owned by the sandbox uid, which the template runs as; no other host user may enter it.
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (Chown(directory, RuncBundle.SandboxUid, RuncBundle.SandboxGid) != 0)
            {
                throw new SandboxStartException($"cannot give {directory} to the sandbox user: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            // The rules are root's, outside that directory, and bound read-only over its seccomp.json (a mount point
            // the template can neither write, rename nor replace).
            var seccomp = SeccompPath(directory);
            using (var stream = new FileStream(seccomp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead }))
            {
                RuncConfigWriter.WriteSeccompFile(stream, seccompArchitectures);
            }

            mounts.Add(new RuncMount(TemplateDirectoryPath, "bind", directory, ["rbind", "nosuid", "nodev", "noexec"]));
            mounts.Add(new RuncMount(TemplateDirectoryPath + "/seccomp.json", "bind", seccomp, ["bind", "ro", "nosuid", "nodev", "noexec"]));
        }

        if (spec.Restore is { } restore)
        {
            // The template made it (uid 993, which the restored container's user namespace maps to itself); a socket
            // on a read-only bind can still be connected to. The host's checked link of it (LinkSocket), never a
            // path in the template's own directory.
            mounts.Add(new RuncMount(SocketPath, "bind", restore.TemplateSocketPath, ["bind", "ro", "nosuid", "nodev", "noexec"]));
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);
}
