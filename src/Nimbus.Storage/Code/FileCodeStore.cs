// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Errors;
using Nimbus.Core.Storage;

namespace Nimbus.Storage.Code;

/// <summary>
/// <see cref="ICodeStore"/> on the local file system, under <c>&lt;dataDir&gt;/code/</c>:
/// <c>zips/&lt;hex-sha256&gt;.zip</c> and <c>unpacked/&lt;hex-sha256&gt;/</c>. Everything becomes visible by an
/// atomic rename of a complete <c>.tmp-*</c> entry, so a crash leaves only temporaries, which start-up removes.
/// </summary>
internal sealed class FileCodeStore : ICodeStore
{
    /// <summary>Lambda's quota for a function's unzipped code and layers: 250 MB.</summary>
    public const long DefaultMaxUnzippedSize = 262_144_000;

    private const string TempPrefix = ".tmp-";

    private readonly string _zipsDirectory;
    private readonly string _unpackedDirectory;
    private readonly long _maxUnzippedSize;
    private readonly ILogger<FileCodeStore> _logger;

    // One unpack per hash at a time in this process: concurrent cold starts of new code wait for the first.
    // Across processes the final rename decides, and the loser discards its copy.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _unpackGates = new(StringComparer.Ordinal);

    public FileCodeStore(string dataDirectory, ILogger<FileCodeStore> logger)
        : this(dataDirectory, logger, DefaultMaxUnzippedSize)
    {
    }

    internal FileCodeStore(string dataDirectory, ILogger<FileCodeStore> logger, long maxUnzippedSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxUnzippedSize);

        var dataPath = Path.GetFullPath(dataDirectory);
        var codeDirectory = Path.Combine(dataPath, "code");
        _zipsDirectory = Path.Combine(codeDirectory, "zips");
        _unpackedDirectory = Path.Combine(codeDirectory, "unpacked");
        _maxUnzippedSize = maxUnzippedSize;
        _logger = logger;

        Directory.CreateDirectory(_zipsDirectory);
        Directory.CreateDirectory(_unpackedDirectory);
        Durability.FlushDirectory(codeDirectory);
        Durability.FlushDirectory(dataPath);
        RemoveLeftovers(_zipsDirectory);
        RemoveLeftovers(_unpackedDirectory);
    }

    public async Task<StoredCode> StoreZipAsync(ReadOnlyMemory<byte> zip, CancellationToken cancellationToken)
    {
        var unzippedSize = MeasureUnzippedSize(zip);
        var (sha256, hex) = CodeHash.Compute(zip.Span);
        var path = ZipPath(hex);
        if (!File.Exists(path))
        {
            await WriteDurablyAsync(path, hex, zip, cancellationToken);
            _logger.CodeStored(sha256, zip.Length, unzippedSize);
        }

        return new StoredCode(sha256, zip.Length, unzippedSize);
    }

    public StoredCode Inspect(ReadOnlyMemory<byte> zip)
    {
        var unzippedSize = MeasureUnzippedSize(zip);
        var (sha256, _) = CodeHash.Compute(zip.Span);
        return new StoredCode(sha256, zip.Length, unzippedSize);
    }

    public Stream? OpenZip(string sha256)
    {
        var path = ZipPath(CodeHash.ToHex(sha256));
        try
        {
            // FileShare.Delete: a reader must not stop the zip from being replaced or deleted.
            return new FileStream(
                path,
                FileMode.Open,
                FileAccess.Read,
                FileShare.Read | FileShare.Delete,
                bufferSize: 4096,
                FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<string> EnsureUnpackedAsync(string sha256, CancellationToken cancellationToken)
    {
        var hex = CodeHash.ToHex(sha256);
        var final = Path.Combine(_unpackedDirectory, hex);
        if (Directory.Exists(final))
        {
            return final;
        }

        var gate = _unpackGates.GetOrAdd(hex, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Directory.Exists(final))
            {
                return final;
            }

            var zipPath = ZipPath(hex);
            if (!File.Exists(zipPath))
            {
                throw new FileNotFoundException($"No stored code has the SHA-256 {sha256}.", zipPath);
            }

            // Extraction is synchronous file work of up to 250 MB: keep it off the caller's thread.
            await Task.Run(() => Unpack(sha256, hex, zipPath, final, cancellationToken), cancellationToken);
            return final;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Delete(string sha256)
    {
        var hex = CodeHash.ToHex(sha256);
        File.Delete(ZipPath(hex));

        // Rename first: a half-deleted directory under the final name would look complete after a crash.
        var final = Path.Combine(_unpackedDirectory, hex);
        var doomed = TempPath(_unpackedDirectory, hex, "");
        try
        {
            Directory.Move(final, doomed);
        }
        catch (DirectoryNotFoundException)
        {
            doomed = null;
        }

        if (doomed is not null)
        {
            Directory.Delete(doomed, recursive: true);
        }

        _unpackGates.TryRemove(hex, out _);
        _logger.CodeDeleted(sha256);
    }

    private static string TempPath(string directory, string hex, string extension) =>
        Path.Combine(directory, $"{TempPrefix}{hex}-{Guid.NewGuid():N}{extension}");

    private static LambdaException NotAZip() =>
        LambdaErrors.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.");

    private static MemoryStream AsReadOnlyStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private string ZipPath(string hex) => Path.Combine(_zipsDirectory, hex + ".zip");

    /// <summary>Checks that the bytes are a zip with entries and returns the sum of its declared entry sizes.</summary>
    private long MeasureUnzippedSize(ReadOnlyMemory<byte> zip)
    {
        if (zip.IsEmpty)
        {
            throw NotAZip();
        }

        // Only the central directory is read here; the extractor later holds every entry to its declared size
        // and CRC, so these sizes cannot understate what unpacking writes.
        long total = 0;
        var count = 0;
        try
        {
            using var stream = AsReadOnlyStream(zip);
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read);
            foreach (var entry in archive.Entries)
            {
                count++;
                total += entry.Length;
                if (entry.Length < 0 || total > _maxUnzippedSize)
                {
                    throw LambdaErrors.InvalidParameter($"Unzipped size must be smaller than {_maxUnzippedSize} bytes");
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or ArgumentException or NotSupportedException)
        {
            throw NotAZip();
        }

        // AWS words an archive without entries apart from one it cannot read.
        return count == 0 ? throw LambdaErrors.InvalidParameter("Uploaded file must be a non-empty zip") : total;
    }

    private async Task WriteDurablyAsync(string path, string hex, ReadOnlyMemory<byte> zip, CancellationToken cancellationToken)
    {
        var temp = TempPath(_zipsDirectory, hex, ".zip");
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, zip.Length))
            {
                await RandomAccess.WriteAsync(handle, zip, fileOffset: 0, cancellationToken);
                RandomAccess.FlushToDisk(handle);
            }

            // Same bytes, same name: if another writer got here first, replacing its file changes nothing.
            File.Move(temp, path, overwrite: true);
            Durability.FlushDirectory(_zipsDirectory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private void Unpack(string sha256, string hex, string zipPath, string final, CancellationToken cancellationToken)
    {
        var temp = TempPath(_unpackedDirectory, hex, "");
        Directory.CreateDirectory(temp);
        var published = false;
        try
        {
            ZipExtractor.Extract(zipPath, temp, cancellationToken);

            // The contents must be on disk before the rename makes the directory visible as complete.
            Durability.FlushFileSystem(temp);
            try
            {
                Directory.Move(temp, final);
                published = true;
            }
            catch (IOException) when (Directory.Exists(final))
            {
                // Another process unpacked the same code first; its copy is identical.
                return;
            }

            Durability.FlushDirectory(_unpackedDirectory);
            _logger.CodeUnpacked(sha256, final);
        }
        catch (InvalidDataException ex)
        {
            _logger.CodeUnpackFailed(ex, sha256);
            throw;
        }
        finally
        {
            if (!published)
            {
                TryDeleteTree(temp);
            }
        }
    }

    private void RemoveLeftovers(string directory)
    {
        // Temp entries start with a dot. The SearchOption overload lists hidden entries too (the EnumerationOptions
        // defaults would leave them out).
        foreach (var path in Directory.EnumerateFileSystemEntries(directory, TempPrefix + "*", SearchOption.TopDirectoryOnly))
        {
            if (Directory.Exists(path))
            {
                TryDeleteTree(path);
            }
            else
            {
                try
                {
                    File.Delete(path);
                    _logger.TemporaryEntryRemoved(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    _logger.TemporaryEntryRemovalFailed(ex, path);
                }
            }
        }
    }

    private void TryDeleteTree(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
            _logger.TemporaryEntryRemoved(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.TemporaryEntryRemovalFailed(ex, path);
        }
    }
}
