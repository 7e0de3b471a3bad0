// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using System.Security.Cryptography;
using Nimbus.Core.Errors;
using Nimbus.Core.Storage;

namespace Nimbus.TestKit.Fakes;

/// <summary>
/// <see cref="ICodeStore"/> in memory for unit tests: zips keyed by their base64 SHA-256, checked to be zips like
/// the real store, and "unpacked" to a fake path. <see cref="FailUnpack"/> makes a hash fail to unpack.
/// </summary>
public sealed class InMemoryCodeStore : ICodeStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _zips = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unpacked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _failures = new(StringComparer.Ordinal);
    private readonly List<string> _deleted = [];

    /// <summary>Hashes of the zips stored now.</summary>
    public IReadOnlyCollection<string> StoredHashes
    {
        get
        {
            lock (_lock)
            {
                return [.. _zips.Keys];
            }
        }
    }

    /// <summary>How many times <see cref="StoreZipAsync"/> accepted a zip.</summary>
    public int StoreCount { get; private set; }

    /// <summary>Hashes passed to <see cref="Delete"/>, in order.</summary>
    public IReadOnlyList<string> Deleted
    {
        get
        {
            lock (_lock)
            {
                return [.. _deleted];
            }
        }
    }

    /// <summary>Base64 SHA-256 of <paramref name="zip"/>, as the store reports it.</summary>
    public static string HashOf(ReadOnlySpan<byte> zip) => Convert.ToBase64String(SHA256.HashData(zip));

    /// <summary>Makes <see cref="EnsureUnpackedAsync"/> throw <see cref="InvalidDataException"/> for this hash.</summary>
    public void FailUnpack(string sha256, string message = "An error in the archive format was detected.")
    {
        lock (_lock)
        {
            _failures[sha256] = message;
        }
    }

    public Task<StoredCode> StoreZipAsync(ReadOnlyMemory<byte> zip, CancellationToken cancellationToken)
    {
        var unzipped = MeasureUnzippedSize(zip);
        var sha = HashOf(zip.Span);
        lock (_lock)
        {
            _zips.TryAdd(sha, zip.ToArray());
            StoreCount++;
        }

        return Task.FromResult(new StoredCode(sha, zip.Length, unzipped));
    }

    public StoredCode Inspect(ReadOnlyMemory<byte> zip) => new(HashOf(zip.Span), zip.Length, MeasureUnzippedSize(zip));

    public Stream? OpenZip(string sha256)
    {
        lock (_lock)
        {
            return _zips.TryGetValue(sha256, out var bytes) ? new MemoryStream(bytes, writable: false) : null;
        }
    }

    public Task<string> EnsureUnpackedAsync(string sha256, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_failures.TryGetValue(sha256, out var message))
            {
                return Task.FromException<string>(new InvalidDataException(message));
            }

            if (!_zips.ContainsKey(sha256))
            {
                return Task.FromException<string>(new FileNotFoundException($"No stored code has the SHA-256 {sha256}."));
            }

            _unpacked.Add(sha256);
            return Task.FromResult($"/fake/unpacked/{Convert.ToHexStringLower(Convert.FromBase64String(sha256))}");
        }
    }

    public void Delete(string sha256)
    {
        lock (_lock)
        {
            _zips.Remove(sha256);
            _unpacked.Remove(sha256);
            _deleted.Add(sha256);
        }
    }

    private static LambdaException NotAZip() =>
        LambdaErrors.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.");

    private static long MeasureUnzippedSize(ReadOnlyMemory<byte> zip)
    {
        if (zip.IsEmpty)
        {
            throw NotAZip();
        }

        try
        {
            using var stream = new MemoryStream(zip.ToArray(), writable: false);
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read);
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                total += entry.Length;
            }

            return archive.Entries.Count == 0 ? throw NotAZip() : total;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or ArgumentException or NotSupportedException)
        {
            throw NotAZip();
        }
    }
}
