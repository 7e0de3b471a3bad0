// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Nimbus.Core.Access.Signing;

namespace Nimbus.TestKit;

/// <summary>
/// Writes a payload as an aws-chunked body, as the AWS SDKs stream uploads (S3's "Transferring Payload in Multiple
/// Chunks"): <c>hex-size;chunk-signature=SIG\r\n DATA \r\n</c> per chunk, the final zero-length chunk signed too; without a
/// chain, the unsigned form (<c>hex-size\r\n</c>); with trailer lines, the -TRAILER forms.
/// </summary>
public static class AwsChunkedEncoding
{
    /// <param name="chain">Signs the chunks, chained from the request's seed signature; null for unsigned chunks.</param>
    /// <param name="trailer">Trailer lines (name, value); with a chain, x-amz-trailer-signature is added.</param>
    public static byte[] Encode(ReadOnlySpan<byte> payload, int chunkSize, ChunkSignatureChain? chain, IReadOnlyList<(string Name, string Value)>? trailer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        using var body = new MemoryStream();
        var signature = new byte[32];
        for (var offset = 0; ; offset += chunkSize)
        {
            var data = payload[Math.Min(offset, payload.Length)..Math.Min(payload.Length, offset + chunkSize)];
            var header = data.Length.ToString("x", CultureInfo.InvariantCulture);
            if (chain is not null)
            {
                chain.Append(data);
                chain.SignChunk(signature);
                header += ";chunk-signature=" + Convert.ToHexStringLower(signature);
            }

            Write(body, header + "\r\n");
            if (data.IsEmpty)
            {
                break;
            }

            body.Write(data);
            Write(body, "\r\n");
        }

        if (trailer is null)
        {
            Write(body, "\r\n");
            return body.ToArray();
        }

        var lines = new StringBuilder();
        foreach (var (name, value) in trailer)
        {
            lines.Append(name).Append(':').Append(value).Append('\n');
            Write(body, $"{name}:{value}\r\n");
        }

        if (chain is not null)
        {
            chain.SignTrailer(Encoding.ASCII.GetBytes(lines.ToString()), signature);
            Write(body, $"x-amz-trailer-signature:{Convert.ToHexStringLower(signature)}\r\n");
        }

        Write(body, "\r\n");
        return body.ToArray();
    }

    /// <summary>The chain for a request signed with <paramref name="authorizationHeader"/> (its Signature is the seed).</summary>
    public static ChunkSignatureChain ChainFor(string authorizationHeader, string secretAccessKey, string timestamp, string region, string service)
    {
        ArgumentNullException.ThrowIfNull(authorizationHeader);
        ArgumentNullException.ThrowIfNull(timestamp);
        var seed = Convert.FromHexString(authorizationHeader.AsSpan(authorizationHeader.Length - 64));
        var scope = $"{timestamp[..8]}/{region}/{service}/{SigV4.Terminator}";
        return new ChunkSignatureChain(SigningKeyCache.Derive(secretAccessKey, timestamp.AsSpan(0, 8), region, service), timestamp, scope, seed);
    }

    private static void Write(Stream stream, string ascii) => stream.Write(Encoding.ASCII.GetBytes(ascii));
}
