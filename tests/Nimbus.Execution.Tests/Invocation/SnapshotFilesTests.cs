// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Nimbus.Execution.Invocation;

namespace Nimbus.Execution.Tests.Invocation;

/// <summary>
/// What SnapStart templates leave in the socket directory (<see cref="SnapshotFiles"/>): a server killed with templates
/// leaves their directory, socket link and seccomp rules; the next start removes those, and only those whose server is
/// provably gone: another live server may share the directory.
/// </summary>
public sealed class SnapshotFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nimbus-snapfiles-").FullName;

    [Fact]
    public async Task SweepStale_FilesOfAGoneServer_AreRemoved()
    {
        var gone = await GoneOwnerAsync();
        var name = Path.Combine(_directory, $"snap-{gone}-1");
        MakeTemplateFiles(name);

        var removed = SnapshotFiles.SweepStale(_directory);

        Assert.Equal(3, removed);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }

    [Fact]
    public async Task SweepStale_AGoneTemplatesDirectoryWithMoreInIt_IsNotWalked()
    {
        // What the template's code made in its directory (the sandbox user's) is never walked by root.
        var name = Path.Combine(_directory, $"snap-{await GoneOwnerAsync()}-3");
        MakeTemplateFiles(name);
        Directory.CreateDirectory(Path.Combine(name, "made-by-the-function"));
        Touch(Path.Combine(name, "made-by-the-function", "file"));

        var removed = SnapshotFiles.SweepStale(_directory);

        Assert.Equal(2, removed);
        Assert.True(File.Exists(Path.Combine(name, "made-by-the-function", "file")));
        Assert.False(File.Exists(Path.Combine(name, "template.sock")));
    }

    [Fact]
    public void SweepStale_FilesOfALiveServer_Stay()
    {
        // This process is a live server as far as the sweep can tell, whatever started it.
        var own = Path.Combine(_directory, SnapshotFiles.NewName());
        MakeTemplateFiles(own);
        var live = Path.Combine(_directory, $"snap-{SnapshotFiles.OwnerOf(1)}-7");
        MakeTemplateFiles(live);

        var removed = SnapshotFiles.SweepStale(_directory);

        Assert.Equal(0, removed);
        Assert.Equal(6, Directory.EnumerateFileSystemEntries(_directory).Count());
    }

    [Fact]
    public async Task SweepStale_OtherNames_Stay()
    {
        // An older server's names (no owner in them) cannot be told to be a gone server's: they stay. Beside them, a
        // gone server's socket goes.
        var old = Path.Combine(_directory, "snap-0123456789abcdef");
        MakeTemplateFiles(old);
        Touch(Path.Combine(_directory, "0123456789abcdef.sock"));
        var gone = await GoneOwnerAsync();
        Touch(Path.Combine(_directory, $"snap-{gone}-2.sock"));

        var removed = SnapshotFiles.SweepStale(_directory);

        Assert.Equal(1, removed);
        Assert.Equal(4, Directory.EnumerateFileSystemEntries(_directory).Count());
    }

    [Fact]
    public void NewName_EachCall_IsNewAndNamesThisProcess()
    {
        var first = SnapshotFiles.NewName();
        var second = SnapshotFiles.NewName();

        Assert.NotEqual(first, second);
        Assert.StartsWith($"snap-{SnapshotFiles.OwnerOf(Environment.ProcessId)}-", first, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The owner part a process had while it ran; it has ended and been reaped since.</summary>
    private static async Task<string> GoneOwnerAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "60") { RedirectStandardInput = true })!;
        var owner = SnapshotFiles.OwnerOf(process.Id)!;
        process.Kill();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return owner;
    }

    /// <summary>What a runc template leaves: its directory (with its socket), the link of the socket, its seccomp rules.</summary>
    private static void MakeTemplateFiles(string name)
    {
        Directory.CreateDirectory(name);
        Touch(Path.Combine(name, "template.sock"));
        Touch(name + ".sock");
        Touch(name + ".seccomp.json");
    }

    private static void Touch(string path) => File.Create(path).Dispose();
}
