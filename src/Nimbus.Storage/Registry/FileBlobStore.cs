// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using Nimbus.Core.Images;
using Nimbus.Core.Storage;
using Nimbus.Storage.Code;

namespace Nimbus.Storage.Registry;

/// <summary>
/// <see cref="IBlobStore"/> on the file system: <c>&lt;dataDir&gt;/registry/blobs/sha256/&lt;hex&gt;</c>, uploads in
/// <c>registry/uploads/&lt;id&gt;</c>. A completed upload is hashed, flushed and renamed into place, so a blob is either
/// whole and checked or not there; a crash leaves only uploads, which start-up removes.
/// </summary>
internal sealed class FileBlobStore : IBlobStore
{
    private const int CopyBuffer = 1024 * 1024;

    private readonly string _blobs;
    private readonly string _uploads;

    public FileBlobStore(string dataDirectory)
    {
        var root = Path.Combine(Path.GetFullPath(dataDirectory), "registry");
        _blobs = Path.Combine(root, "blobs", "sha256");
        _uploads = Path.Combine(root, "uploads");
        Directory.CreateDirectory(_blobs);
        if (Directory.Exists(_uploads))
        {
            Directory.Delete(_uploads, recursive: true);
        }

        Directory.CreateDirectory(_uploads);
    }

    public long? GetSize(string digest)
    {
        var info = new FileInfo(BlobPath(digest));
        return info.Exists ? info.Length : null;
    }

    public Stream? OpenRead(string digest)
    {
        try
        {
            return new FileStream(BlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBuffer, FileOptions.SequentialScan | FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public string StartUpload()
    {
        var id = Guid.NewGuid().ToString("D");
        using (File.Create(UploadPath(id)!))
        {
        }

        return id;
    }

    public long? GetUploadSize(string uploadId)
    {
        var path = UploadPath(uploadId);
        var info = path is null ? null : new FileInfo(path);
        return info is { Exists: true } ? info.Length : null;
    }

    public async Task<long?> AppendAsync(string uploadId, Stream content, CancellationToken cancellationToken)
    {
        var path = UploadPath(uploadId);
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, CopyBuffer, FileOptions.Asynchronous);
        await content.CopyToAsync(file, CopyBuffer, cancellationToken);
        return file.Length;
    }

    public async Task<BlobCommit> CompleteAsync(string uploadId, string digest, CancellationToken cancellationToken)
    {
        var path = UploadPath(uploadId);
        if (path is null || !File.Exists(path))
        {
            return BlobCommit.UnknownUpload;
        }

        if (!ImageRules.IsSha256Digest(digest))
        {
            return BlobCommit.DigestMismatch;
        }

        string actual;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, CopyBuffer, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            actual = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
            if (actual == digest)
            {
                file.Flush(flushToDisk: true);
            }
        }

        if (actual != digest)
        {
            return BlobCommit.DigestMismatch;
        }

        File.Move(path, BlobPath(digest), overwrite: true);
        Durability.FlushDirectory(_blobs);
        return BlobCommit.Committed;
    }

    public void CancelUpload(string uploadId)
    {
        if (UploadPath(uploadId) is { } path)
        {
            File.Delete(path);
        }
    }

    public void Delete(string digest)
    {
        if (ImageRules.IsSha256Digest(digest))
        {
            File.Delete(BlobPath(digest));
        }
    }

    private string BlobPath(string digest) =>
        ImageRules.IsSha256Digest(digest) ? Path.Combine(_blobs, digest[7..]) : Path.Combine(_blobs, "invalid");

    /// <summary>The upload's file; null for an id that is not one of ours (never a path out of the directory).</summary>
    private string? UploadPath(string uploadId) =>
        Guid.TryParseExact(uploadId, "D", out var id) ? Path.Combine(_uploads, id.ToString("D")) : null;
}
