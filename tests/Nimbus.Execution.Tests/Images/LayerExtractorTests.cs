// SPDX-License-Identifier: Apache-2.0
using System.Formats.Tar;
using System.IO.Compression;
using Nimbus.Execution.Images;

namespace Nimbus.Execution.Tests.Images;

public sealed class LayerExtractorTests : IDisposable
{
    private const string Gzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    private readonly string _root = Directory.CreateTempSubdirectory("nimbus-layers-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task ApplyAsync_LayersInOrder_WhiteoutsRemoveAndUpperFilesWin()
    {
        await ApplyAsync(Layer(
            Dir("etc"), File("etc/keep", "lower"), File("etc/gone", "x"), File("etc/replaced", "old"),
            Dir("data"), File("data/a", "a"), File("data/b", "b")));
        await ApplyAsync(Layer(
            File("etc/.wh.gone", ""), File("etc/replaced", "new"), Dir("data"), File("data/.wh..wh..opq", ""), File("data/c", "c")));

        Assert.Equal("lower", await System.IO.File.ReadAllTextAsync(Path.Combine(_root, "etc/keep"), TestContext.Current.CancellationToken));
        Assert.False(Path.Exists(Path.Combine(_root, "etc/gone")));
        Assert.Equal("new", await System.IO.File.ReadAllTextAsync(Path.Combine(_root, "etc/replaced"), TestContext.Current.CancellationToken));
        Assert.Equal(["c"], Directory.GetFileSystemEntries(Path.Combine(_root, "data")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ApplyAsync_HardAndSymbolicLinks_AreMade()
    {
        await ApplyAsync(Layer(
            Dir("usr"), File("usr/real", "content", UnixFileMode.UserRead | UnixFileMode.UserExecute),
            Link(TarEntryType.HardLink, "usr/hard", "usr/real"), Link(TarEntryType.SymbolicLink, "usr/soft", "real")));

        Assert.Equal("content", await System.IO.File.ReadAllTextAsync(Path.Combine(_root, "usr/hard"), TestContext.Current.CancellationToken));
        Assert.Equal("real", new FileInfo(Path.Combine(_root, "usr/soft")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserExecute, System.IO.File.GetUnixFileMode(Path.Combine(_root, "usr/real")));
    }

    [Fact]
    public async Task ApplyAsync_EntryThroughAbsoluteSymlink_StaysInsideTheRoot()
    {
        var outside = Directory.CreateTempSubdirectory("nimbus-outside-").FullName;
        try
        {
            await ApplyAsync(Layer(Link(TarEntryType.SymbolicLink, "escape", outside)));
            await ApplyAsync(Layer(File("escape/planted", "x")));

            Assert.Empty(Directory.GetFileSystemEntries(outside));
            Assert.True(System.IO.File.Exists(Path.Combine(_root, outside.TrimStart('/'), "planted")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task ApplyAsync_DotDotEntry_IsRefused()
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => ApplyAsync(Layer(File("../evil", "x"))));
    }

    [Fact]
    public async Task ApplyAsync_PastTheBudget_IsRefused()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ApplyAsync(Layer(File("big", new string('x', 100))), budget: 10));

        Assert.Contains("10 GB", error.Message, StringComparison.Ordinal);
    }

    private async Task ApplyAsync(byte[] layer, long budget = long.MaxValue)
    {
        using var stream = new MemoryStream(layer);
        await LayerExtractor.ApplyAsync(stream, Gzip, _root, budget, TestContext.Current.CancellationToken);
    }

    private static byte[] Layer(params TarEntry[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    private static PaxTarEntry Dir(string name) => new(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101 };

    private static PaxTarEntry File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100) =>
        new(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) };

    private static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };
}
