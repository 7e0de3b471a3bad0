// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// What a SnapStart container under runc adds to its bundle (docs/cold-starts.md#snapstart): the template's
/// directory, bound read-write, where it listens and reads the seccomp rules of the runtimes it forks; a restored
/// container's bind of the template's socket alone.
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

            using (var stream = new FileStream(Path.Combine(directory, "seccomp.json"), FileMode.Create, FileAccess.Write))
            {
                RuncConfigWriter.WriteSeccompFile(stream, seccompArchitectures);
            }

            mounts.Add(new RuncMount(TemplateDirectoryPath, "bind", directory, ["rbind", "nosuid", "nodev", "noexec"]));
        }

        if (spec.Restore is { } restore)
        {
            // The template made it (uid 993, which the restored container's user namespace maps to itself); a socket
            // on a read-only bind can still be connected to.
            mounts.Add(new RuncMount(SocketPath, "bind", restore.TemplateSocketPath, ["bind", "ro", "nosuid", "nodev", "noexec"]));
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);
}
