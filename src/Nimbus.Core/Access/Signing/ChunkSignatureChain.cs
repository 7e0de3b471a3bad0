// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;

namespace Nimbus.Core.Access.Signing;

/// <summary>
/// The chained signatures of an aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, S3's "Transferring Payload in
/// Multiple Chunks", https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html): each chunk's signature is
/// HMAC(signing key, "AWS4-HMAC-SHA256-PAYLOAD\n" + date + "\n" + scope + "\n" + previous signature + "\n" + hash("")
/// + "\n" + hash(chunk data)), the first one chained to the request's own (seed) signature, the final zero-length chunk
/// signed too; a trailer (the -TRAILER forms) is signed as "AWS4-HMAC-SHA256-TRAILER\n" + date + "\n" + scope + "\n" +
/// previous signature + "\n" + hash(trailer lines). The data is hashed as it passes (<see cref="Append"/>); one chain
/// verifies or signs one body, in order. Verifying allocates nothing.
/// </summary>
public sealed class ChunkSignatureChain : IDisposable
{
    private const int SignatureLength = 32;
    private static ReadOnlySpan<byte> ChunkAlgorithm => "AWS4-HMAC-SHA256-PAYLOAD\n"u8;
    private static ReadOnlySpan<byte> TrailerAlgorithm => "AWS4-HMAC-SHA256-TRAILER\n"u8;

    private readonly byte[] _signingKey;
    private readonly byte[] _dateAndScope;
    private readonly byte[] _previous = new byte[SignatureLength];
    private readonly IncrementalHash _data = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <param name="signingKey">The request's derived signing key (not copied; it must not change while the chain is used).</param>
    /// <param name="timestamp">The request's X-Amz-Date.</param>
    /// <param name="scope">The credential scope: <c>date/region/service/aws4_request</c>.</param>
    /// <param name="seedSignature">The request's own signature (raw, 32 bytes), which the first chunk's chains to.</param>
    public ChunkSignatureChain(byte[] signingKey, ReadOnlySpan<char> timestamp, ReadOnlySpan<char> scope, ReadOnlySpan<byte> seedSignature)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentOutOfRangeException.ThrowIfNotEqual(seedSignature.Length, SignatureLength);
        _signingKey = signingKey;
        _dateAndScope = new byte[timestamp.Length + 1 + scope.Length + 1];
        var at = 0;
        foreach (var c in timestamp)
        {
            _dateAndScope[at++] = (byte)c;
        }

        _dateAndScope[at++] = (byte)'\n';
        foreach (var c in scope)
        {
            _dateAndScope[at++] = (byte)c;
        }

        _dateAndScope[at] = (byte)'\n';
        seedSignature.CopyTo(_previous);
    }

    /// <summary>Adds bytes of the current chunk's data.</summary>
    public void Append(ReadOnlySpan<byte> data) => _data.AppendData(data);

    /// <summary>The signature of the data appended since the last chunk, into 32 bytes; it becomes the previous one.</summary>
    public void SignChunk(Span<byte> signature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signature.Length, SignatureLength);
        Span<byte> dataHash = stackalloc byte[SignatureLength];
        _data.GetHashAndReset(dataHash);
        Compute(ChunkAlgorithm, dataHash, signature[..SignatureLength], includeEmptyHash: true);
        signature[..SignatureLength].CopyTo(_previous);
    }

    /// <summary>
    /// Whether <paramref name="givenHex"/> (the chunk's <c>chunk-signature</c>, 64 ASCII hex digits) signs the data
    /// appended since the last chunk; compared in constant time. The chain moves on either way.
    /// </summary>
    public bool VerifyChunk(ReadOnlySpan<byte> givenHex)
    {
        Span<byte> expected = stackalloc byte[SignatureLength];
        SignChunk(expected);
        return Matches(expected, givenHex);
    }

    /// <summary>The trailer's signature over <paramref name="trailerLines"/> (each <c>name:value\n</c>), into 32 bytes.</summary>
    public void SignTrailer(ReadOnlySpan<byte> trailerLines, Span<byte> signature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signature.Length, SignatureLength);
        Span<byte> trailerHash = stackalloc byte[SignatureLength];
        SHA256.HashData(trailerLines, trailerHash);
        Compute(TrailerAlgorithm, trailerHash, signature[..SignatureLength], includeEmptyHash: false);
        signature[..SignatureLength].CopyTo(_previous);
    }

    /// <summary>Whether <paramref name="givenHex"/> (x-amz-trailer-signature) signs <paramref name="trailerLines"/>.</summary>
    public bool VerifyTrailer(ReadOnlySpan<byte> trailerLines, ReadOnlySpan<byte> givenHex)
    {
        Span<byte> expected = stackalloc byte[SignatureLength];
        SignTrailer(trailerLines, expected);
        return Matches(expected, givenHex);
    }

    public void Dispose() => _data.Dispose();

    private void Compute(ReadOnlySpan<byte> algorithm, ReadOnlySpan<byte> hash, Span<byte> signature, bool includeEmptyHash)
    {
        var toSign = new ByteWriter(algorithm.Length + _dateAndScope.Length + 200);
        try
        {
            toSign.Write(algorithm);
            toSign.Write(_dateAndScope);
            toSign.WriteHex(_previous);
            toSign.Write((byte)'\n');
            if (includeEmptyHash)
            {
                toSign.WriteAscii(SigV4.EmptyPayloadSha256);
                toSign.Write((byte)'\n');
            }

            toSign.WriteHex(hash);
            HMACSHA256.HashData(_signingKey, toSign.Written, signature);
        }
        finally
        {
            toSign.Dispose();
        }
    }

    private static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> givenHex)
    {
        Span<byte> given = stackalloc byte[SignatureLength];
        return givenHex.Length == SignatureLength * 2
            && Convert.FromHexString(givenHex, given, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == SignatureLength
            && CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
