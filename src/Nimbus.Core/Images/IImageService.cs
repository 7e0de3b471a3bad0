// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Images;

/// <summary>
/// Container images for functions: resolves an ImageUri (Nimbus's registry or another OCI registry) to a
/// <see cref="ResolvedImage"/>, unpacks its layers once per digest into a read-only root, and removes a root no
/// function uses. Implemented where I/O is allowed (Nimbus.Execution).
/// </summary>
public interface IImageService
{
    /// <summary>Resolves <paramref name="imageUri"/>; throws InvalidParameterValueException with AWS's text when it cannot.</summary>
    Task<ResolvedImage> ResolveAsync(Scope scope, string imageUri, CancellationToken cancellationToken);

    /// <summary>The image's root directory on the host, pulled and unpacked once per digest. Throws InvalidDataException for a broken image.</summary>
    Task<string> EnsureRootAsync(ResolvedImage image, CancellationToken cancellationToken);

    /// <summary>Removes the unpacked root of a digest (hex) no function uses any more.</summary>
    void Release(string codeSha256);
}
