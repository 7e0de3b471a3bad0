// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Storage.Code;
using Nimbus.TestKit;

namespace Nimbus.Storage.Tests.Layers;

public sealed class LayerTreeTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FileCodeStore _code;
    private readonly LayerTree _tree;

    public LayerTreeTests()
    {
        _code = new FileCodeStore(_directory.Path, NullLogger<FileCodeStore>.Instance);
        _tree = new LayerTree(_directory.Path, _code, NullLogger<LayerTree>.Instance);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task EnsureAsync_NoLayers_Null_OneLayer_ItsUnpackedDirectory()
    {
        var one = await StoreAsync(("python/a.py", "A = 1\n"));

        Assert.Null(await _tree.EnsureAsync([], Token));
        Assert.Equal(await _code.EnsureUnpackedAsync(one, Token), await _tree.EnsureAsync([one], Token));
    }

    [Fact]
    public async Task EnsureAsync_SeveralLayers_LaterFileWins_RestMerged()
    {
        var first = await StoreAsync(("python/shared.py", "first"), ("python/only_first.py", "1"), ("bin/tool", "t"));
        var second = await StoreAsync(("python/shared.py", "second"), ("lib/libx.so", "x"));

        var merged = await _tree.EnsureAsync([first, second], Token);
        var reversed = await _tree.EnsureAsync([second, first], Token);

        Assert.NotNull(merged);
        Assert.Equal("second", await File.ReadAllTextAsync(Path.Combine(merged, "python", "shared.py"), Token));
        Assert.Equal("1", await File.ReadAllTextAsync(Path.Combine(merged, "python", "only_first.py"), Token));
        Assert.True(File.Exists(Path.Combine(merged, "bin", "tool")));
        Assert.True(File.Exists(Path.Combine(merged, "lib", "libx.so")));
        Assert.NotNull(reversed);
        Assert.NotEqual(merged, reversed);
        Assert.Equal("first", await File.ReadAllTextAsync(Path.Combine(reversed, "python", "shared.py"), Token));
    }

    [Fact]
    public async Task EnsureAsync_SameListAgain_SameDirectoryBuiltOnce()
    {
        var first = await StoreAsync(("a", "1"));
        var second = await StoreAsync(("b", "2"));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _tree.EnsureAsync([first, second], Token)));

        Assert.Single(results.Distinct());
        var merged = results[0]!; // Two layers always give a directory.
        Assert.Equal([merged], Directory.GetDirectories(Path.GetDirectoryName(merged)!));
    }

    [Fact]
    public async Task EnsureAsync_HardLinksTheUnpackedFiles()
    {
        var first = await StoreAsync(("a", "1"));
        var second = await StoreAsync(("b", "2"));

        var merged = await _tree.EnsureAsync([first, second], Token);
        var unpacked = await _code.EnsureUnpackedAsync(first, Token);

        Assert.NotNull(merged);
        Assert.Equal(InodeOf(Path.Combine(unpacked, "a")), InodeOf(Path.Combine(merged, "a")));
    }

    private static string InodeOf(string path)
    {
        // stat(1) is in coreutils on every Linux host these tests run on.
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var inode = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return inode;
    }

    private async Task<string> StoreAsync(params (string Name, string Content)[] files) =>
        (await _code.StoreZipAsync(ZipBuilder.Create(files), Token)).Sha256;
}
