// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;

namespace Nimbus.Core.Access.Signing;

/// <summary>
/// SHA-256 and HMAC-SHA256 through one reused context per thread instead of the one-shot APIs: on Linux each one-shot
/// call creates and frees an OpenSSL context (and HMAC's sets its key up again), which costs more than hashing the few
/// hundred bytes a request signs (measured 3.9 µs for a one-shot SHA-256 of 29 bytes and 5.3 µs for an HMAC, against
/// 1.8 µs for a reused HMAC, on a loaded machine). Nothing is awaited between adding data and taking the hash, so a
/// thread's context is never shared.
/// </summary>
public static class ReusedHashes
{
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    [ThreadStatic]
    private static IncrementalHash? t_hmac;

    [ThreadStatic]
    private static byte[]? t_hmacKey;

    /// <summary>SHA-256 of <paramref name="data"/> into 32 bytes.</summary>
    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hash = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(data);
        hash.GetHashAndReset(destination);
    }

    /// <summary>SHA-256 of the segments of <paramref name="data"/> into 32 bytes.</summary>
    public static void Sha256(in System.Buffers.ReadOnlySequence<byte> data, Span<byte> destination)
    {
        var hash = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var segment in data)
        {
            hash.AppendData(segment.Span);
        }

        hash.GetHashAndReset(destination);
    }

    /// <summary>
    /// HMAC-SHA256 of <paramref name="data"/> under <paramref name="key"/> into 32 bytes. The thread keeps its context
    /// for the last key (compared by reference: a cached signing key is one array), so a run of requests signed with
    /// one access key sets the key up once.
    /// </summary>
    public static void HmacSha256(byte[] key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (t_hmac is null || !ReferenceEquals(t_hmacKey, key))
        {
            t_hmac?.Dispose();
            t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            t_hmacKey = key;
        }

        t_hmac.AppendData(data);
        t_hmac.GetHashAndReset(destination);
    }
}
