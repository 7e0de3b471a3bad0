// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using System.Diagnostics;
using System.Globalization;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>
/// What a SnapStart template under runc may decide about restored containers (docs/cold-starts.md#snapstart): nothing.
/// Its directory is its own (uid 993, writable); restored containers bind the host's checked link of its socket, and
/// the seccomp rules its runtimes install are root's, bound read-only.
/// </summary>
public sealed class RuncSnapshotTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nimbus-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_symlink_in_place_of_the_socket_is_refused_and_nothing_is_linked()
    {
        Assert.SkipUnless(Environment.UserName == "root", "chown to the sandbox uid needs root");
        var directory = TemplateDirectory();
        var secret = Path.Combine(_root, "host-secret");
        File.WriteAllText(secret, "host secret");
        File.CreateSymbolicLink(Path.Combine(directory, RuncSnapshot.SocketName), secret);
        GiveToSandboxUser(Path.Combine(directory, RuncSnapshot.SocketName));

        var error = Assert.Throws<SandboxStartException>(() => RuncSnapshot.LinkSocket(directory));

        Assert.Contains("socket was replaced", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(RuncSnapshot.LinkPath(directory)));
    }

    [Fact]
    public void A_socket_of_another_owner_is_refused()
    {
        Assert.SkipUnless(Environment.UserName == "root", "the test's sockets are root's unless given away");
        var directory = TemplateDirectory();
        using var listener = Listen(Path.Combine(directory, RuncSnapshot.SocketName));

        Assert.Throws<SandboxStartException>(() => RuncSnapshot.LinkSocket(directory));
    }

    [Fact]
    public void The_templates_socket_is_linked_as_the_inode_it_was_and_later_renames_do_not_matter()
    {
        Assert.SkipUnless(Environment.UserName == "root", "chown to the sandbox uid needs root");
        var directory = TemplateDirectory();
        var socketPath = Path.Combine(directory, RuncSnapshot.SocketName);
        using var listener = Listen(socketPath);
        GiveToSandboxUser(socketPath);

        var link = RuncSnapshot.LinkSocket(directory);
        // The template swaps its socket for a symlink afterwards: the link is still its socket.
        File.Move(socketPath, socketPath + ".moved");
        File.CreateSymbolicLink(socketPath, "/etc/hostname");

        Assert.Equal(RuncSnapshot.LinkPath(directory), link);
        Assert.Null(new FileInfo(link).LinkTarget);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(link));
        using var accepted = listener.Accept();
    }

    [Fact]
    public void The_seccomp_rules_are_roots_and_bound_read_only_over_the_templates_directory()
    {
        var directory = Path.Combine(_root, "snap-template");
        var spec = new SandboxSpec
        {
            EnvironmentId = "0123456789abcdef0123456789abcdef",
            InitExecutable = "/bin/true",
            HostSocketPath = Path.Combine(_root, "host.sock"),
            CodeDirectory = _root,
            RuntimeDirectory = _root,
            SnapshotDirectory = directory,
        };
        var mounts = new List<RuncMount>();
        try
        {
            RuncSnapshot.AddMounts(spec, ["SCMP_ARCH_X86_64"], mounts);
        }
        catch (SandboxStartException) when (Environment.UserName != "root")
        {
            Assert.Skip("chown to the sandbox uid needs root");
        }

        var seccomp = Assert.Single(mounts, m => m.Destination == RuncSnapshot.TemplateDirectoryPath + "/seccomp.json");
        Assert.Contains("ro", seccomp.Options);
        Assert.Equal(RuncSnapshot.SeccompPath(directory), seccomp.Source);
        Assert.False(seccomp.Source.StartsWith(directory + "/", StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(seccomp.Source));
        Assert.False(File.Exists(Path.Combine(directory, "seccomp.json")));
    }

    private string TemplateDirectory()
    {
        var directory = Path.Combine(_root, "snap-template");
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(1);
        return socket;
    }

    private static void GiveToSandboxUser(string path)
    {
        var start = new ProcessStartInfo("chown") { ArgumentList = { "-h", string.Create(CultureInfo.InvariantCulture, $"{RuncBundle.SandboxUid}:{RuncBundle.SandboxGid}"), path } };
        using var chown = Process.Start(start)!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
