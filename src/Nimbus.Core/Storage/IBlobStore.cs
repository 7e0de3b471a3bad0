// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>
/// The registry's content-addressed blobs (layers, configs) and the uploads that make them. A blob is visible only
/// once complete and its digest checked.
/// </summary>
public interface IBlobStore
{
    /// <summary>The size of a stored blob, or null.</summary>
    long? GetSize(string digest);

    /// <summary>Opens a stored blob for reading, or null.</summary>
    Stream? OpenRead(string digest);

    /// <summary>Starts an upload; returns its id.</summary>
    string StartUpload();

    /// <summary>The bytes an upload holds so far, or null when there is no such upload.</summary>
    long? GetUploadSize(string uploadId);

    /// <summary>Appends to an upload; returns its new size. Null when there is no such upload.</summary>
    Task<long?> AppendAsync(string uploadId, Stream content, CancellationToken cancellationToken);

    /// <summary>Checks the upload's SHA-256 against <paramref name="digest"/> and, if it matches, makes it the blob.</summary>
    Task<BlobCommit> CompleteAsync(string uploadId, string digest, CancellationToken cancellationToken);

    void CancelUpload(string uploadId);

    void Delete(string digest);
}
