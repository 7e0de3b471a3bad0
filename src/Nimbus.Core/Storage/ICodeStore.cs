// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>
/// Content-addressed deployment packages: each zip is stored once by its SHA-256, and unpacked once into
/// a read-only directory shared by everything that runs that code.
/// </summary>
public interface ICodeStore
{
    /// <summary>
    /// Checks that <paramref name="zip"/> is a readable zip within Lambda's unzipped limit and stores it durably
    /// (a no-op when the same bytes are already stored). Throws InvalidParameterValueException otherwise.
    /// </summary>
    Task<StoredCode> StoreZipAsync(ReadOnlyMemory<byte> zip, CancellationToken cancellationToken);

    /// <summary>The same checks as <see cref="StoreZipAsync"/>, without storing anything (DryRun).</summary>
    StoredCode Inspect(ReadOnlyMemory<byte> zip);

    /// <summary>Opens a stored zip for reading, or null when no zip has that hash.</summary>
    Stream? OpenZip(string sha256);

    /// <summary>
    /// Unpacks the zip once (idempotent, atomic: a directory is visible only when complete) and returns its
    /// path. Throws <see cref="InvalidDataException"/> when an entry cannot be extracted.
    /// </summary>
    Task<string> EnsureUnpackedAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Removes a zip and its unpacked directory.</summary>
    void Delete(string sha256);
}
