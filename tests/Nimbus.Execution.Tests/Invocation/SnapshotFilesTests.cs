// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Nimbus.Execution.Invocation;

namespace Nimbus.Execution.Tests.Invocation;

/// <summary>
/// What SnapStart templates and environments leave in socket directories (<see cref="SnapshotFiles"/>): a server
/// killed with templates leaves their directory, socket link and seccomp rules. A start removes a gone server's
/// fallback socket directory (in the temporary directory, beside other live servers'), never a live server's, and
/// never walks what a template made in its own directory.
/// </summary>
public sealed class SnapshotFilesTests : IDisposable
{
    private readonly string _temporary = Directory.CreateTempSubdirectory("nimbus-snapfiles-").FullName;

    [Fact]
    public async Task SweepStaleFallbackDirectories_AGoneServersDirectory_IsRemovedWithItsFiles()
    {
        var directory = MakeFallbackDirectory(await GoneOwnerAsync());
        MakeTemplateFiles(Path.Combine(directory, "snap-1.2.3-1"));
        Touch(Path.Combine(directory, "0123456789abcdef.sock"));

        var removed = SnapshotFiles.SweepStaleFallbackDirectories(_temporary);

        Assert.Equal(1, removed);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void SweepStaleFallbackDirectories_LiveServersDirectories_Stay()
    {
        // This process is a live server as far as the sweep can tell, whatever started it; so is PID 1.
        var own = MakeFallbackDirectory(SnapshotFiles.OwnerOf(Environment.ProcessId)!);
        var other = MakeFallbackDirectory(SnapshotFiles.OwnerOf(1)!);
        Touch(Path.Combine(other, "0123456789abcdef.sock"));

        var removed = SnapshotFiles.SweepStaleFallbackDirectories(_temporary);

        Assert.Equal(0, removed);
        Assert.True(Directory.Exists(own));
        Assert.True(File.Exists(Path.Combine(other, "0123456789abcdef.sock")));
    }

    [Fact]
    public async Task SweepStaleFallbackDirectories_OtherDirectories_Stay()
    {
        // An older server's name (no owner in it), and a gone server's name on a directory that is not private (not
        // as mkdtemp made it: anyone's).
        var old = Path.Combine(_temporary, "nimbus-1234-abcdef");
        Directory.CreateDirectory(old);
        var open = MakeFallbackDirectory(await GoneOwnerAsync());
        File.SetUnixFileMode(open, (UnixFileMode)Convert.ToInt32("777", 8));

        var removed = SnapshotFiles.SweepStaleFallbackDirectories(_temporary);

        Assert.Equal(0, removed);
        Assert.True(Directory.Exists(old));
        Assert.True(Directory.Exists(open));
    }

    [Fact]
    public void RemoveContents_ATemplatesDirectoryWithMoreInIt_IsNotWalked()
    {
        // What the template's code made in its directory (the sandbox user's) is never walked by root.
        var template = Path.Combine(_temporary, "snap-1.2.3-3");
        MakeTemplateFiles(template);
        Directory.CreateDirectory(Path.Combine(template, "made-by-the-function"));
        Touch(Path.Combine(template, "made-by-the-function", "file"));
        Touch(Path.Combine(_temporary, "0123456789abcdef.sock"));

        SnapshotFiles.RemoveContents(_temporary);

        Assert.True(File.Exists(Path.Combine(template, "made-by-the-function", "file")));
        Assert.False(File.Exists(Path.Combine(template, "template.sock")));
        Assert.Equal([template], Directory.EnumerateFileSystemEntries(_temporary));
    }

    [Fact]
    public void NewName_EachCall_IsNewAndNamesThisProcess()
    {
        var first = SnapshotFiles.NewName();
        var second = SnapshotFiles.NewName();

        Assert.NotEqual(first, second);
        Assert.StartsWith($"snap-{SnapshotFiles.OwnerOf(Environment.ProcessId)}-", first, StringComparison.Ordinal);
        Assert.Equal($"nimbus-{SnapshotFiles.OwnerOf(Environment.ProcessId)}-", SnapshotFiles.FallbackDirectoryPrefix);
    }

    public void Dispose() => Directory.Delete(_temporary, recursive: true);

    /// <summary>The owner part a process had while it ran; it has ended and been reaped since.</summary>
    private static async Task<string> GoneOwnerAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "60") { RedirectStandardInput = true })!;
        var owner = SnapshotFiles.OwnerOf(process.Id)!;
        process.Kill();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return owner;
    }

    /// <summary>A server's fallback socket directory as mkdtemp makes it (0700, this user's).</summary>
    private string MakeFallbackDirectory(string owner)
    {
        var directory = Path.Combine(_temporary, $"nimbus-{owner}-a1b2c3");
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    /// <summary>What a runc template leaves: its directory (with its socket), the link of the socket, its seccomp rules.</summary>
    private static void MakeTemplateFiles(string name)
    {
        Directory.CreateDirectory(name);
        Touch(Path.Combine(name, "template.sock"));
        Touch(Path.Combine(name, "seccomp.json"));
        Touch(name + ".sock");
        Touch(name + ".seccomp.json");
    }

    private static void Touch(string path) => File.Create(path).Dispose();
}
