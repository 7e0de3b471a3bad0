// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;

namespace Nimbus.Storage.Code;

/// <summary>
/// The two spellings of a package's SHA-256: base64, as Lambda reports <c>CodeSha256</c>, and lowercase hex for
/// file names (base64 contains '/', so it never goes into a path).
/// </summary>
internal static class CodeHash
{
    public static (string Base64, string Hex) Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return (Convert.ToBase64String(hash), Convert.ToHexStringLower(hash));
    }

    /// <summary>Converts a base64 SHA-256 to hex; throws <see cref="ArgumentException"/> if it is not one.</summary>
    public static string ToHex(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(sha256, hash, out var written) || written != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"'{sha256}' is not a base64 SHA-256.", nameof(sha256));
        }

        return Convert.ToHexStringLower(hash);
    }
}
