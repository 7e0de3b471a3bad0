// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Errors;
using Nimbus.Storage.Code;

namespace Nimbus.Storage.Tests.Code;

public sealed class FileCodeStoreTests : IDisposable
{
    private const string NotAZipMessage = "Could not unzip uploaded file. Please check your file, then try to upload again.";

    // Unique per run, so that a run against broken code cannot make later runs fail.
    private static readonly string _absoluteEscape =
        Path.Combine(Path.GetTempPath(), $"nimbus-storage-tests-escaped-{Guid.NewGuid():N}.txt");

    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string ZipsDirectory => Path.Combine(_directory.Path, "code", "zips");

    private string UnpackedDirectory => Path.Combine(_directory.Path, "code", "unpacked");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task StoreZipAsync_ValidZip_ReturnsBase64Sha256AndSizes()
    {
        var zip = TestZips.Create(("a.txt", "hello"), ("dir/b.txt", "world!"));

        var stored = await CreateStore().StoreZipAsync(zip, Token);

        Assert.Equal(Convert.ToBase64String(SHA256.HashData(zip)), stored.Sha256);
        Assert.Equal(zip.Length, stored.Size);
        Assert.Equal(11, stored.UnzippedSize);
    }

    [Fact]
    public async Task StoreZipAsync_ValidZip_WritesItUnderItsHexHash()
    {
        var zip = TestZips.Create(("a.txt", "hello"));

        await CreateStore().StoreZipAsync(zip, Token);

        var path = Path.Combine(ZipsDirectory, Convert.ToHexStringLower(SHA256.HashData(zip)) + ".zip");
        Assert.Equal(zip, await File.ReadAllBytesAsync(path, Token));
        Assert.Equal([path], Directory.GetFileSystemEntries(ZipsDirectory));
    }

    [Fact]
    public async Task StoreZipAsync_SliceOfLargerBuffer_StoresOnlyTheSlice()
    {
        var zip = TestZips.Create(("a.txt", "hello"));
        var padded = new byte[zip.Length + 20];
        zip.CopyTo(padded, 10);

        var stored = await CreateStore().StoreZipAsync(padded.AsMemory(10, zip.Length), Token);

        Assert.Equal(Convert.ToBase64String(SHA256.HashData(zip)), stored.Sha256);
        await using var opened = CreateStore().OpenZip(stored.Sha256);
        Assert.NotNull(opened);
        Assert.Equal(zip, await ReadAllAsync(opened));
    }

    public static TheoryData<string, byte[]> NotZips => new()
    {
        { "text", Encoding.UTF8.GetBytes("this is not a zip file at all") },
        { "zeros", new byte[4096] },
        { "truncated", TestZips.Create(("a.txt", "hello"))[..40] },
        { "local header only", TestZips.Create(("a.txt", "hello"))[..4] },
        { "zero bytes", [] },
    };

    [Fact]
    public async Task StoreZipAsync_NoEntries_ThrowsNonEmptyZipMessage()
    {
        var store = CreateStore();

        var error = await Assert.ThrowsAsync<LambdaException>(() => store.StoreZipAsync(TestZips.Create(Array.Empty<TestZipEntry>()), Token));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, error.ErrorType);
        Assert.Equal("Uploaded file must be a non-empty zip", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(ZipsDirectory));
    }

    [Theory]
    [MemberData(nameof(NotZips))]
    public async Task StoreZipAsync_NotAZipOrEmpty_ThrowsInvalidParameterAndStoresNothing(string kind, byte[] bytes)
    {
        var store = CreateStore();

        var error = await Assert.ThrowsAsync<LambdaException>(() => store.StoreZipAsync(bytes, Token));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, error.ErrorType);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(NotAZipMessage, error.Message);
        Assert.True(Directory.GetFileSystemEntries(ZipsDirectory).Length == 0, kind);
    }

    [Fact]
    public async Task StoreZipAsync_DeclaredSizesOverLambdaLimit_ThrowsInvalidParameter()
    {
        // Two entries that together declare one byte more than 262144000: the limit is on the sum.
        var zip = TestZips.WithDeclaredSizes(TestZips.Create(("a.bin", "a"), ("b.bin", "b")), 131_072_000, 131_072_001);

        var error = await Assert.ThrowsAsync<LambdaException>(() => CreateStore().StoreZipAsync(zip, Token));

        Assert.Equal(LambdaErrors.InvalidParameterValueType, error.ErrorType);
        Assert.Equal("Unzipped size must be smaller than 262144000 bytes", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(ZipsDirectory));
    }

    [Fact]
    public async Task StoreZipAsync_DeclaredSizesAtLambdaLimit_Succeeds()
    {
        var zip = TestZips.WithDeclaredSizes(TestZips.Create(("a.bin", "a"), ("b.bin", "b")), 131_072_000, 131_072_000);

        var stored = await CreateStore().StoreZipAsync(zip, Token);

        Assert.Equal(FileCodeStore.DefaultMaxUnzippedSize, stored.UnzippedSize);
    }

    [Fact]
    public async Task StoreZipAsync_RealContentOverInjectedLimit_ThrowsInvalidParameter()
    {
        var zip = TestZips.Create(new TestZipEntry("zeros.bin", new byte[101]));

        var error = await Assert.ThrowsAsync<LambdaException>(() => CreateStore(maxUnzippedSize: 100).StoreZipAsync(zip, Token));

        Assert.Equal("Unzipped size must be smaller than 100 bytes", error.Message);
        Assert.Equal(101, (await CreateStore(maxUnzippedSize: 101).StoreZipAsync(zip, Token)).UnzippedSize);
    }

    [Fact]
    public async Task StoreZipAsync_SameBytesTwice_WritesOnceAndReturnsSameResult()
    {
        var store = CreateStore();
        var zip = TestZips.Create(("a.txt", "hello"));
        var first = await store.StoreZipAsync(zip, Token);
        var path = Assert.Single(Directory.GetFiles(ZipsDirectory));
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, old);

        var second = await store.StoreZipAsync(zip, Token);

        Assert.Equal(first, second);
        Assert.Equal(old, File.GetLastWriteTimeUtc(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(ZipsDirectory));
    }

    [Fact]
    public async Task OpenZip_Stored_ReturnsItsBytes()
    {
        var store = CreateStore();
        var zip = TestZips.Create(("a.txt", "hello"));
        var stored = await store.StoreZipAsync(zip, Token);

        await using var opened = store.OpenZip(stored.Sha256);

        Assert.NotNull(opened);
        Assert.Equal(zip, await ReadAllAsync(opened));
    }

    [Fact]
    public void OpenZip_Unknown_ReturnsNull()
    {
        Assert.Null(CreateStore().OpenZip(Convert.ToBase64String(SHA256.HashData("nothing"u8))));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("aGVsbG8=")]
    [InlineData("../../etc/passwd")]
    public void OpenZip_NotABase64Sha256_ThrowsArgumentException(string sha256)
    {
        Assert.Throws<ArgumentException>(() => CreateStore().OpenZip(sha256));
    }

    [Fact]
    public async Task EnsureUnpackedAsync_Stored_ExtractsEveryEntry()
    {
        var store = CreateStore();
        var zip = TestZips.Create(
            new TestZipEntry("index.js", "exports.handler = 1;"u8.ToArray()),
            new TestZipEntry("lib/", []),
            new TestZipEntry("lib/deep/util.js", "util"u8.ToArray()),
            new TestZipEntry("raw.bin", [1, 2, 3], Level: CompressionLevel.NoCompression),
            new TestZipEntry("empty.txt", []));
        var stored = await store.StoreZipAsync(zip, Token);

        var path = await store.EnsureUnpackedAsync(stored.Sha256, Token);

        Assert.Equal(Path.Combine(UnpackedDirectory, Convert.ToHexStringLower(SHA256.HashData(zip))), path);
        Assert.Equal("exports.handler = 1;", await File.ReadAllTextAsync(Path.Combine(path, "index.js"), Token));
        Assert.Equal("util", await File.ReadAllTextAsync(Path.Combine(path, "lib", "deep", "util.js"), Token));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(path, "raw.bin"), Token));
        Assert.Empty(await File.ReadAllBytesAsync(Path.Combine(path, "empty.txt"), Token));
        Assert.Equal([path], Directory.GetFileSystemEntries(UnpackedDirectory));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task EnsureUnpackedAsync_UnixModes_KeepsExecuteBitAndDropsWrite()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions only.");
        var store = CreateStore();
        var zip = TestZips.Create(
            new TestZipEntry("bootstrap", "#!/bin/sh\n"u8.ToArray(), UnixMode: 0b111_101_101),
            new TestZipEntry("data.txt", "data"u8.ToArray(), UnixMode: 0b110_100_100),
            new TestZipEntry("private.txt", "secret"u8.ToArray(), UnixMode: 0b110_000_000),
            new TestZipEntry("from-windows.txt", "dos"u8.ToArray()));
        var stored = await store.StoreZipAsync(zip, Token);

        var path = await store.EnsureUnpackedAsync(stored.Sha256, Token);

        const UnixFileMode rx = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
            UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        const UnixFileMode r = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        Assert.Equal(rx, File.GetUnixFileMode(Path.Combine(path, "bootstrap")));
        Assert.Equal(r, File.GetUnixFileMode(Path.Combine(path, "data.txt")));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(path, "private.txt")));
        Assert.Equal(r, File.GetUnixFileMode(Path.Combine(path, "from-windows.txt")));
        Assert.Equal(rx | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task EnsureUnpackedAsync_Twice_ReturnsSamePathWithoutUnpackingAgain()
    {
        var store = CreateStore();
        var stored = await store.StoreZipAsync(TestZips.Create(("a.txt", "hello")), Token);
        var first = await store.EnsureUnpackedAsync(stored.Sha256, Token);
        File.Delete(Path.Combine(ZipsDirectory, Path.GetFileName(first) + ".zip"));

        var second = await store.EnsureUnpackedAsync(stored.Sha256, Token);

        Assert.Equal(first, second);
        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(second, "a.txt"), Token));
    }

    [Fact]
    public async Task EnsureUnpackedAsync_ConcurrentCalls_ReturnOnePathAndLeaveNoTemporaries()
    {
        var store = CreateStore();
        var entries = Enumerable.Range(0, 200).Select(i => ($"f{i}.txt", $"content {i}")).ToArray();
        var stored = await store.StoreZipAsync(TestZips.Create(entries), Token);

        var paths = await Task.WhenAll(Enumerable.Range(0, 16)
            .Select(_ => Task.Run(() => store.EnsureUnpackedAsync(stored.Sha256, Token), Token)));

        var path = Assert.Single(paths.Distinct());
        Assert.Equal(200, Directory.GetFiles(path).Length);
        Assert.Equal("content 199", await File.ReadAllTextAsync(Path.Combine(path, "f199.txt"), Token));
        Assert.Equal([path], Directory.GetFileSystemEntries(UnpackedDirectory));
    }

    public static TheoryData<string> EscapingNames => new()
    {
        "../escaped.txt",
        "ok/../../escaped.txt",
        "..\\escaped.txt",
        _absoluteEscape,
    };

    [Theory]
    [MemberData(nameof(EscapingNames))]
    public async Task EnsureUnpackedAsync_EntryOutsideDirectory_ThrowsInvalidDataAndWritesNothing(string name)
    {
        var store = CreateStore();
        var zip = TestZips.Create(("first.txt", "fine"), (name, "evil"));
        var stored = await store.StoreZipAsync(zip, Token);

        await Assert.ThrowsAsync<InvalidDataException>(() => store.EnsureUnpackedAsync(stored.Sha256, Token));

        Assert.False(File.Exists(Path.Combine(UnpackedDirectory, "escaped.txt")));
        Assert.False(File.Exists(_absoluteEscape));
        Assert.Empty(Directory.GetFileSystemEntries(UnpackedDirectory));
    }

    [Fact]
    public async Task EnsureUnpackedAsync_CorruptEntry_ThrowsInvalidDataAndPublishesNothing()
    {
        var content = Encoding.UTF8.GetBytes("the original content of this entry");
        var zip = TestZips.WithCorruptedContent(
            TestZips.Create(new TestZipEntry("a.txt", content, Level: CompressionLevel.NoCompression)),
            content);
        var store = CreateStore();
        var stored = await store.StoreZipAsync(zip, Token);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.EnsureUnpackedAsync(stored.Sha256, Token));

        Assert.Contains("CRC", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(UnpackedDirectory));
    }

    [Theory]
    [InlineData(33u)]
    [InlineData(35u)]
    public async Task EnsureUnpackedAsync_DeclaredSizeWrong_ThrowsInvalidData(uint declared)
    {
        var content = Encoding.UTF8.GetBytes("the original content of this entry");
        Assert.Equal(34, content.Length);
        var zip = TestZips.WithDeclaredSizes(
            TestZips.Create(new TestZipEntry("a.txt", content, Level: CompressionLevel.NoCompression)),
            declared);
        var store = CreateStore();
        var stored = await store.StoreZipAsync(zip, Token);

        await Assert.ThrowsAsync<InvalidDataException>(() => store.EnsureUnpackedAsync(stored.Sha256, Token));

        Assert.Empty(Directory.GetFileSystemEntries(UnpackedDirectory));
    }

    [Fact]
    public async Task EnsureUnpackedAsync_UnknownHash_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(
            () => CreateStore().EnsureUnpackedAsync(Convert.ToBase64String(SHA256.HashData("nothing"u8)), Token));
    }

    [Fact]
    public async Task Constructor_LeftoverTemporaries_RemovesThemAndKeepsTheRest()
    {
        var stored = await CreateStore().StoreZipAsync(TestZips.Create(("a.txt", "hello")), Token);
        var unpacked = await CreateStore().EnsureUnpackedAsync(stored.Sha256, Token);
        var zipPath = Assert.Single(Directory.GetFiles(ZipsDirectory));
        var tempDirectory = Path.Combine(UnpackedDirectory, ".tmp-abc-123");
        Directory.CreateDirectory(Path.Combine(tempDirectory, "nested"));
        await File.WriteAllTextAsync(Path.Combine(tempDirectory, "nested", "half.txt"), "half", Token);
        if (!OperatingSystem.IsWindows())
        {
            // As the extractor leaves them: read-only files in the half-written tree.
            File.SetUnixFileMode(Path.Combine(tempDirectory, "nested", "half.txt"), UnixFileMode.UserRead);
        }

        var tempZip = Path.Combine(ZipsDirectory, ".tmp-abc-456.zip");
        await File.WriteAllTextAsync(tempZip, "partial", Token);

        _ = CreateStore();

        Assert.False(Directory.Exists(tempDirectory));
        Assert.False(File.Exists(tempZip));
        Assert.Equal([zipPath], Directory.GetFileSystemEntries(ZipsDirectory));
        Assert.Equal([unpacked], Directory.GetFileSystemEntries(UnpackedDirectory));
    }

    [Fact]
    public async Task Delete_StoredAndUnpacked_RemovesBoth()
    {
        var store = CreateStore();
        var stored = await store.StoreZipAsync(TestZips.Create(("a.txt", "hello")), Token);
        var other = await store.StoreZipAsync(TestZips.Create(("b.txt", "other")), Token);
        await store.EnsureUnpackedAsync(stored.Sha256, Token);
        var otherPath = await store.EnsureUnpackedAsync(other.Sha256, Token);

        store.Delete(stored.Sha256);

        Assert.Null(store.OpenZip(stored.Sha256));
        Assert.Equal([otherPath], Directory.GetFileSystemEntries(UnpackedDirectory));
        Assert.Single(Directory.GetFiles(ZipsDirectory));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.EnsureUnpackedAsync(stored.Sha256, Token));
    }

    [Fact]
    public void Delete_Unknown_DoesNothing()
    {
        CreateStore().Delete(Convert.ToBase64String(SHA256.HashData("nothing"u8)));

        Assert.Empty(Directory.GetFileSystemEntries(ZipsDirectory));
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Token);
        return copy.ToArray();
    }

    private FileCodeStore CreateStore(long maxUnzippedSize = FileCodeStore.DefaultMaxUnzippedSize) =>
        new(_directory.Path, NullLogger<FileCodeStore>.Instance, maxUnzippedSize);
}
